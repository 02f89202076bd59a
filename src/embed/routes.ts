import { Router, type Request, type RequestHandler, type Response } from 'express';
import { embedSecurityHeaders, scriptResourceHeaders, setHeaders, type SecurityHeaderOptions } from '../http/security-headers';
import type { SettingsCache } from '../settings/settings';
import { buildDemoArticleView } from './demo-article-view';
import { FooterPages, type RenderedPage } from './footer-pages';
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

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';

export function embedRouter(deps: EmbedDeps): Router {
  const router = Router();
  const footerHeaders = embedSecurityHeaders(deps.security, deps.frameAncestors);
  const loaderHeaders = scriptResourceHeaders(deps.security);
  const loader = buildLoaderAsset();
  const footerPages = new FooterPages(deps.baseUrl);

  router.get('/embed.js', (req, res) => {
    setHeaders(res, loaderHeaders);
    res.setHeader('Cache-Control', LOADER_CACHE);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Type', JAVASCRIPT);
    if (acceptsGzip(req.headers['accept-encoding'])) {
      res.setHeader('ETag', loader.gzippedEtag);
      res.setHeader('Content-Encoding', 'gzip');
      res.send(loader.gzipped);
    } else {
      res.setHeader('ETag', loader.etag);
      res.send(loader.body);
    }
  });

  // Not async on the usual path (settings and page both cached): no promise
  // per request, which measurably mattered on the busiest route we have.
  router.get('/embed/footer', (req, res, next) => {
    setHeaders(res, footerHeaders);
    const rawQuery = req.url.slice(req.url.indexOf('?') + 1 || req.url.length);
    const settings = deps.settings.current();
    const page = settings && footerPages.cached(settings, rawQuery);
    if (page) return sendFooter(res, page);
    deps.settings
      .get()
      .then((fresh) => footerPages.render(req, fresh, rawQuery))
      .then((rendered) => sendFooter(res, rendered), next);
  });

  if (deps.demo) {
    router.get('/demo/article', deps.pageHeaders, async (req: Request, res: Response) => {
      res.render('embed/demo-article', buildDemoArticleView(await deps.settings.get(), `${req.protocol}://${req.get('host')}`));
    });
  }
  return router;
}


const LISTS_GZIP = /(?:^|,)\s*(?:gzip|\*)\s*(?:,|$)/i;

/**
 * Whether an Accept-Encoding header takes gzip: named (or `*`) without `q=0`.
 * Every browser sends one; this is the one question the loader route asks of
 * it, without a full content negotiation per request.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  // The usual header has no weights ("gzip, deflate, br, zstd"): one regex, no allocation.
  if (!header.includes(';')) return LISTS_GZIP.test(header);
  let star = false;
  for (const part of header.toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    const refused = q !== undefined && Number(q.slice(2)) === 0;
    if (coding === 'gzip') return !refused;
    if (coding === '*') star = !refused;
  }
  return star;
}

function sendFooter(res: Response, page: RenderedPage): void {
  res.setHeader('Cache-Control', FOOTER_CACHE);
  res.setHeader('ETag', page.etag);
  res.setHeader('Content-Type', HTML);
  res.send(page.body);
}
