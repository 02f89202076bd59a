import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { singleValues } from '../giving/donation-form';
import type { Settings } from '../settings/settings';
import { buildFooterView, footerCacheKey, footerOptionsFromQuery } from './footer-view';

export interface RenderedPage {
  body: Buffer;
  etag: string;
}

/** Distinct tags (campaign × amounts × …) kept rendered per settings version; beyond it, rendered per request. */
const MAX_RENDERED_FOOTERS = 200;

/**
 * The footer box, rendered once per tag and settings version. The settings
 * cache hands out a new object when it reloads, so a page rendered from older
 * settings is never served after a change. Pages are found by the canonical
 * options, and also by the raw query string, so the usual request (the same
 * tag again) is answered without parsing anything; both maps are bounded.
 */
export class FooterPages {
  private readonly rendered = new WeakMap<Settings, { byOptions: Map<string, RenderedPage>; byQuery: Map<string, RenderedPage> }>();

  constructor(private readonly baseUrl: string) {}

  /** The page already rendered for this query under these settings, if any. */
  cached(settings: Settings, rawQuery: string): RenderedPage | undefined {
    return this.rendered.get(settings)?.byQuery.get(rawQuery);
  }

  async render(req: Request, settings: Settings, rawQuery: string): Promise<RenderedPage> {
    let pages = this.rendered.get(settings);
    if (!pages) this.rendered.set(settings, (pages = { byOptions: new Map(), byQuery: new Map() }));
    const options = footerOptionsFromQuery(singleValues(req.query), settings);
    const key = footerCacheKey(options);
    let page = pages.byOptions.get(key);
    if (!page) {
      page = await renderView(req, 'embed/footer', buildFooterView(settings, options, this.baseUrl));
      if (pages.byOptions.size < MAX_RENDERED_FOOTERS) pages.byOptions.set(key, page);
    }
    if (pages.byQuery.size < MAX_RENDERED_FOOTERS) pages.byQuery.set(rawQuery, page);
    return page;
  }
}

function renderView(req: Request, view: string, locals: object): Promise<RenderedPage> {
  return new Promise((resolve, reject) => {
    req.app.render(view, locals, (error, body) => {
      if (error) return reject(error);
      resolve({ body: Buffer.from(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    });
  });
}
