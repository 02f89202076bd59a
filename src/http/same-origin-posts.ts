import type { RequestHandler } from 'express';
import { ForbiddenError } from '../lib/errors';

/**
 * Refuses a POST sent from another site. Our forms post to our own origin; a
 * post from elsewhere (another site, or a sibling subdomain that SameSite=Lax
 * does not stop) is cross-site request forgery, or login CSRF on a form that
 * carries no cookie yet. Browsers send Origin on every POST and Fetch
 * Metadata (Sec-Fetch-Site) on most; a missing header is a script, not a victim's browser.
 */
export function refuseCrossSitePosts(baseUrl: string): RequestHandler {
  const ownOrigin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    if (req.method !== 'POST') return next();
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    if ((origin !== undefined && origin !== ownOrigin) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      throw new ForbiddenError('This form must be sent from our own pages.', 'cross_site_post');
    }
    next();
  };
}
