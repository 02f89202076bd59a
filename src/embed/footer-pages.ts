import type { Request } from 'express';
import { singleValues } from '../giving/donation-form';
import { strongEtag } from '../http/etag';
import type { Settings } from '../settings/settings';
import { buildFooterView, footerCacheKey, footerOptionsFromQuery } from './footer-view';

export interface RenderedPage {
  body: Buffer;
  etag: string;
}

/** Distinct tags (campaign × amounts × …) kept rendered; past it, the oldest is dropped. */
const MAX_RENDERED_FOOTERS = 200;

/**
 * The footer box, rendered once per tag while the settings it shows stay the
 * same. The settings cache hands out a fresh object every few seconds, so the
 * pages are kept by what the box shows of them (its version), not by object:
 * a change in the console renders anew, a reload of the same values does not.
 * Pages are found by the canonical options, and also by the raw query string,
 * so the usual request (the same tag again) is answered without parsing
 * anything; both maps are bounded, oldest first out, so a crawler inventing
 * query strings cannot grow them or push the newsroom's own tags out for good.
 */
export class FooterPages {
  private readonly versions = new WeakMap<Settings, string>();
  private version = '';
  private readonly byOptions = new Map<string, RenderedPage>();
  private readonly byQuery = new Map<string, RenderedPage>();

  constructor(private readonly baseUrl: string) {}

  /** The page already rendered for this query under these settings, if any. */
  cached(settings: Settings, rawQuery: string): RenderedPage | undefined {
    return this.versionOf(settings) === this.version ? this.byQuery.get(rawQuery) : undefined;
  }

  async render(req: Request, settings: Settings, rawQuery: string): Promise<RenderedPage> {
    const version = this.versionOf(settings);
    if (version !== this.version) {
      this.version = version;
      this.byOptions.clear();
      this.byQuery.clear();
    }
    const options = footerOptionsFromQuery(singleValues(req.query), settings);
    const key = footerCacheKey(options);
    let page = this.byOptions.get(key);
    if (!page) {
      page = await renderView(req, 'embed/footer', buildFooterView(settings, options, this.baseUrl));
      remember(this.byOptions, key, page);
    }
    remember(this.byQuery, rawQuery, page);
    return page;
  }

  private versionOf(settings: Settings): string {
    let version = this.versions.get(settings);
    if (version === undefined) {
      version = JSON.stringify([settings.organization, settings.giving, settings.embed]);
      this.versions.set(settings, version);
    }
    return version;
  }
}

function remember(pages: Map<string, RenderedPage>, key: string, page: RenderedPage): void {
  if (pages.size >= MAX_RENDERED_FOOTERS) pages.delete(pages.keys().next().value!);
  pages.set(key, page);
}

function renderView(req: Request, view: string, locals: object): Promise<RenderedPage> {
  return new Promise((resolve, reject) => {
    req.app.render(view, locals, (error, body) => {
      if (error) return reject(error);
      resolve({ body: Buffer.from(body), etag: strongEtag(body) });
    });
  });
}
