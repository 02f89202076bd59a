/**
 * Where we may send a donor back to after giving. Only our own origin and the
 * newsroom sites named in EMBED_ALLOWED_ORIGINS qualify, so the thank-you page
 * can never be turned into an open redirect.
 */
export function makeOriginAllowList(baseUrl: string, extraOrigins: readonly string[]) {
  const allowed = new Set([new URL(baseUrl).origin, ...extraOrigins]);
  return (candidate: string): boolean => {
    try {
      const url = new URL(candidate);
      return (url.protocol === 'https:' || url.protocol === 'http:') && allowed.has(url.origin);
    } catch {
      return false;
    }
  };
}
