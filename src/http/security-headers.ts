import type { RequestHandler, Response } from 'express';
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
 * The footer box (`/embed/footer`): framed by the newsroom sites in the origin
 * policy (CSP `frame-ancestors`; no X-Frame-Options, which has no allow-list).
 * Its policy is tighter than the pages' — the box loads its own script and
 * stylesheet and nothing else, and posts only to us (then to Checkout) — and
 * it carries no legacy headers for browsers that cannot run it anyway. The
 * headers are the same on every response, so they are worked out once: this
 * route answers every article view (docs/PERFORMANCE.md, "Article embed").
 */
export function embedSecurityHeaders(options: SecurityHeaderOptions, frameAncestors: readonly string[]): HeaderList {
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    // The newsroom's accent colour is an inline custom property.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `form-action ${["'self'", ...options.checkoutOrigins].join(' ')}`,
    `frame-ancestors ${frameAncestors.join(' ')}`,
    "base-uri 'none'",
    ...(options.production ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  const headers: [string, string][] = [
    ['Content-Security-Policy', policy],
    // The box's form posts to us: our own origin gets the referrer, Stripe nothing.
    ['Referrer-Policy', 'same-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    // Framed and fetched by other sites' pages by design.
    ['Cross-Origin-Resource-Policy', 'cross-origin'],
    ...hsts(options),
  ];
  return headers;
}

function hsts(options: SecurityHeaderOptions): [string, string][] {
  return options.production ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']] : [];
}

/**
 * A script any site may load (the embed loader). The document headers (CSP,
 * framing, referrer, opener) mean nothing on a script, so only these are sent:
 * no MIME sniffing, readable cross-origin, and HSTS in production.
 */
export function scriptResourceHeaders(options: SecurityHeaderOptions): HeaderList {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Cross-Origin-Resource-Policy', 'cross-origin'],
    ...hsts(options),
  ];
  return headers;
}

/** Headers worked out once and set on each response by the handler itself (one router layer fewer on the busiest routes). */
export type HeaderList = readonly (readonly [string, string])[];

export function setHeaders(res: Response, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
