import type { RequestHandler } from 'express';
import { ForbiddenError } from '../lib/errors';

/**
 * Refuses a POST sent from another site. Our forms post to our own origin; a
 * post from elsewhere (another site, or a sibling subdomain that SameSite=Lax
 * does not stop) is cross-site request forgery, or login CSRF on a form that
 * carries no cookie yet.
 *
 * Fetch Metadata decides when the browser sends it (every current browser
 * does): `Sec-Fetch-Site` cannot be set by a page. Origin is only the fallback
 * for older browsers, because it is not always the page's origin: under a
 * `no-referrer` policy Chrome sends `Origin: null` even for a same-origin form.
 * A request with neither header is a script, not a victim's browser.
 */
export function refuseCrossSitePosts(baseUrl: string): RequestHandler {
  const ownOrigin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    if (req.method !== 'POST') return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== ownOrigin;
    if (crossSite) throw new ForbiddenError('This form must be sent from our own pages.', 'cross_site_post');
    next();
  };
}
