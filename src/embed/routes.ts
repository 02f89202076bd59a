import { createHash } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { singleValues } from '../giving/donation-form';
import { logOnlyFailures } from '../http/request-context';
import { embedSecurityHeaders, type SecurityHeaderOptions } from '../http/security-headers';
import type { Settings, SettingsCache } from '../settings/settings';
import { buildDemoArticleView } from './demo-article-view';
import { buildFooterView, footerCacheKey, footerOptionsFromQuery } from './footer-view';
import { buildLoaderAsset } from './loader-asset';

export interface EmbedDeps {
  settings: SettingsCache;
  baseUrl: string;
  security: SecurityHeaderOptions;
  /** The headers of every other page, for `/demo/article` (the router runs before them). */
  pageHeaders: RequestHandler;
  /** CSP `frame-ancestors` sources: who may frame the box (lib/allowed-origins.ts). */
  frameAncestors: readonly string[];
  /** Serve `/demo/article` (never in production). */
  demo: boolean;
}

/**
 * Both responses are the same for every reader, so a CDN in front of us can
 * answer most article views: public caching, an ETag (304 on revalidation),
 * no cookie, and `Vary` only on the encoding of the loader, which we gzip.
 * The footer is kept briefly so settings changed in the console show within
 * minutes; the loader for an hour, served stale while a fresh copy is fetched.
 */
const FOOTER_CACHE = 'public, max-age=300, stale-while-revalidate=3600';
const LOADER_CACHE = 'public, max-age=3600, stale-while-revalidate=86400';
/** Distinct tags (campaign × amounts × …) kept rendered per settings version; beyond it, rendered per request. */
const MAX_RENDERED_FOOTERS = 200;

interface RenderedPage {
  /** Bytes, not a string: encoded once instead of on every response. */
  body: Buffer;
  etag: string;
}

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';

export function embedRouter(deps: EmbedDeps): Router {
  const router = Router();
  const headers = embedSecurityHeaders(deps.security, deps.frameAncestors);
  const loader = buildLoaderAsset();
  // The settings cache hands out a new object when it reloads, so a page
  // rendered from older settings is never served after a change. Pages are
  // found by the canonical options, and also by the raw query string, so the
  // usual request (the same tag again) skips parsing it; both maps are bounded.
  const rendered = new WeakMap<Settings, { byOptions: Map<string, RenderedPage>; byQuery: Map<string, RenderedPage> }>();

  router.get('/embed.js', headers, (req, res) => {
    logOnlyFailures(res);
    res.setHeader('Cache-Control', LOADER_CACHE);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', loader.etag);
    res.setHeader('Content-Type', JAVASCRIPT);
    if (req.acceptsEncodings('gzip') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(loader.gzipped);
    } else {
      res.send(loader.body);
    }
  });

  router.get('/embed/footer', headers, async (req, res) => {
    logOnlyFailures(res);
    const settings = await deps.settings.get();
    let pages = rendered.get(settings);
    if (!pages) rendered.set(settings, (pages = { byOptions: new Map(), byQuery: new Map() }));
    const rawQuery = req.url.slice(req.url.indexOf('?') + 1 || req.url.length);
    let page = pages.byQuery.get(rawQuery);
    if (!page) {
      const options = footerOptionsFromQuery(singleValues(req.query), settings);
      const key = footerCacheKey(options);
      page = pages.byOptions.get(key);
      if (!page) {
        page = await renderPage(req, 'embed/footer', buildFooterView(settings, options, deps.baseUrl));
        if (pages.byOptions.size < MAX_RENDERED_FOOTERS) pages.byOptions.set(key, page);
      }
      if (pages.byQuery.size < MAX_RENDERED_FOOTERS) pages.byQuery.set(rawQuery, page);
    }
    res.setHeader('Cache-Control', FOOTER_CACHE);
    res.setHeader('ETag', page.etag);
    res.setHeader('Content-Type', HTML);
    res.send(page.body);
  });

  if (deps.demo) {
    router.get('/demo/article', deps.pageHeaders, async (req: Request, res: Response) => {
      res.render('embed/demo-article', buildDemoArticleView(await deps.settings.get(), `${req.protocol}://${req.get('host')}`));
    });
  }
  return router;
}

function renderPage(req: Request, view: string, locals: object): Promise<RenderedPage> {
  return new Promise((resolve, reject) => {
    req.app.render(view, locals, (error, body) => {
      if (error) return reject(error);
      resolve({ body: Buffer.from(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    });
  });
}
