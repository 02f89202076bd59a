import { parseHttpUrl } from './urls';

/**
 * The newsroom sites we work with: they may frame the article footer box and
 * receive donors back after Checkout. Our own origin and the sites named in
 * EMBED_ALLOWED_ORIGINS qualify; outside production, so does any loopback
 * origin (a developer's local WordPress on http://localhost:8080), so the box
 * works on a laptop with no configuration. Nothing else does, which keeps the
 * thank-you redirect from ever becoming an open redirect.
 */
export interface OriginPolicy {
  /** Whether a URL (a `return_to`) or an origin may be trusted. */
  allows(candidate: string): boolean;
  /** CSP `frame-ancestors` sources for the embed routes. */
  frameAncestors: string[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function makeOriginPolicy(baseUrl: string, extraOrigins: readonly string[], options: { allowLoopback: boolean }): OriginPolicy {
  const allowed = new Set([new URL(baseUrl).origin, ...extraOrigins]);
  return {
    allows(candidate) {
      const url = parseHttpUrl(candidate);
      if (!url) return false;
      return allowed.has(url.origin) || (options.allowLoopback && LOOPBACK_HOSTS.has(url.hostname));
    },
    frameAncestors: [
      "'self'",
      ...extraOrigins,
      // CSP host sources have no syntax for IPv6 literals; [::1] stays a return_to origin only.
      ...(options.allowLoopback ? ['http://localhost:*', 'https://localhost:*', 'http://127.0.0.1:*', 'https://127.0.0.1:*'] : []),
    ],
  };
}
