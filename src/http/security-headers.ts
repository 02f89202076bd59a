import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  production: boolean;
  /** Origins of the hosted payment pages the donate form redirects to. */
  checkoutOrigins: readonly string[];
}

function helmetOptions(options: SecurityHeaderOptions, frameAncestors: readonly string[]) {
  return {
    contentSecurityPolicy: {
      directives: {
        // Chrome applies form-action to the redirect after POST /donate too,
        // so the checkout page's origin must be listed.
        formAction: ["'self'", ...options.checkoutOrigins],
        frameAncestors: [...frameAncestors],
        upgradeInsecureRequests: options.production ? [] : null,
      },
    },
    strictTransportSecurity: options.production,
    // Our own pages get the referrer (and so a real Origin on form posts,
    // which the cross-site check reads); other sites, Stripe included, get
    // nothing, so the article a reader came from stays ours.
    referrerPolicy: { policy: 'same-origin' as const },
  };
}

/** Every page: no framing by anyone else, a strict CSP. */
export function pageSecurityHeaders(options: SecurityHeaderOptions): RequestHandler {
  return helmet(helmetOptions(options, ["'self'"]));
}

/**
 * The embed routes only: the newsroom sites in the origin policy may frame the
 * box (CSP `frame-ancestors`; X-Frame-Options has no allow-list, so it goes),
 * and the loader may be loaded by any page as a script.
 */
export function embedSecurityHeaders(options: SecurityHeaderOptions, frameAncestors: readonly string[]): RequestHandler {
  const headers = helmet({
    ...helmetOptions(options, frameAncestors),
    xFrameOptions: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    res.removeHeader('X-Frame-Options');
    headers(req, res, next);
  };
}
