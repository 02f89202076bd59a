import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type autocannon from 'autocannon';

/**
 * The six requests bench/embed.ts measures, in the order each round runs them:
 * each embed route follows the bare handler it is compared with, which sends
 * the same bytes (the footer the app rendered; the gzipped loader).
 */

export const FOOTER_MARKER = 'Support our non-profit journalism';
export const LOADER_MARKER = '/embed/footer';
/** A tag with a campaign, as the loader requests the box for `data-campaign="bench"`. */
const FOOTER_PATH = '/embed/footer?campaign=bench';

export interface Targets {
  app: string;
  bare: string;
  /** The footer's ETag, for the revalidation scenario. */
  etag: string;
}

export interface EmbedScenario {
  key: string;
  name: string;
  server: 'app' | 'bare';
  /** The bare scenario this one is compared with (same round); none for the bare ones. */
  reference: string | null;
  status: number;
  options(targets: Targets): autocannon.Options;
  /** What a correct answer contains once decoded; null when it has no body to check. */
  marker: string | null;
  gzip: boolean;
}

const withMarker = (marker: string) => (body: string) => body.includes(marker);

export function embedScenarios(): EmbedScenario[] {
  return [
    {
      key: 'bare-html',
      name: 'bare Express GET / (the footer\'s bytes)',
      server: 'bare',
      reference: null,
      status: 200,
      marker: FOOTER_MARKER,
      gzip: false,
      options: (t) => ({ url: `${t.bare}/`, verifyBody: withMarker(FOOTER_MARKER) }),
    },
    {
      key: 'footer',
      name: `GET ${FOOTER_PATH}`,
      server: 'app',
      reference: 'bare-html',
      status: 200,
      marker: FOOTER_MARKER,
      gzip: false,
      options: (t) => ({ url: `${t.app}${FOOTER_PATH}`, verifyBody: withMarker(FOOTER_MARKER) }),
    },
    {
      key: 'footer-304',
      name: `GET ${FOOTER_PATH}, If-None-Match (304)`,
      server: 'app',
      reference: 'bare-html',
      status: 304,
      marker: null,
      gzip: false,
      options: (t) => ({ url: `${t.app}${FOOTER_PATH}`, headers: { 'if-none-match': t.etag } }),
    },
    {
      key: 'bare-js',
      name: 'bare Express GET /js (the gzipped loader\'s bytes)',
      server: 'bare',
      reference: null,
      status: 200,
      marker: LOADER_MARKER,
      gzip: true,
      options: (t) => ({ url: `${t.bare}/js`, headers: { 'accept-encoding': 'gzip' } }),
    },
    {
      key: 'loader-gzip',
      name: 'GET /embed.js, Accept-Encoding: gzip',
      server: 'app',
      reference: 'bare-js',
      status: 200,
      marker: LOADER_MARKER,
      gzip: true,
      options: (t) => ({ url: `${t.app}/embed.js`, headers: { 'accept-encoding': 'gzip, deflate, br' } }),
    },
    {
      key: 'loader',
      name: 'GET /embed.js, no Accept-Encoding (minified, not gzipped)',
      server: 'app',
      reference: 'bare-js',
      status: 200,
      marker: LOADER_MARKER,
      gzip: false,
      options: (t) => ({ url: `${t.app}/embed.js`, verifyBody: withMarker(LOADER_MARKER) }),
    },
  ];
}

/**
 * One request as the scenario sends it: the status, the encoding and the
 * decoded body must be right before any figure counts. Returns a line for
 * the report (body and header sizes: the headers are part of what each
 * response costs). Throws when the answer is wrong.
 */
export async function checkScenario(scenario: EmbedScenario, targets: Targets): Promise<string> {
  const options = scenario.options(targets);
  const { status, headers, rawHeaderBytes, body } = await get(options.url, options.headers ?? {});
  const problems: string[] = [];
  if (status !== scenario.status) problems.push(`status ${status}, expected ${scenario.status}`);
  const gzipped = headers['content-encoding'] === 'gzip';
  if (scenario.marker !== null) {
    if (gzipped !== scenario.gzip) problems.push(`Content-Encoding ${headers['content-encoding'] ?? 'none'}`);
    const text = (gzipped ? gunzipSync(body) : body).toString('utf8');
    if (!text.includes(scenario.marker)) problems.push(`body lacks "${scenario.marker}"`);
  } else if (body.length > 0) {
    problems.push(`a ${body.length}-byte body on a ${status}`);
  }
  if (problems.length > 0) throw new Error(`${scenario.name}: ${problems.join('; ')}`);
  const headerNames = Object.keys(headers).length;
  return (
    `${scenario.name}: ${status}, body ${body.length} bytes${gzipped ? ' (gzip)' : ''}` +
    `${scenario.marker ? `, contains "${scenario.marker}"` : ''}; ${headerNames} response headers, ${rawHeaderBytes} bytes of them`
  );
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; rawHeaderBytes: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        let rawHeaderBytes = 0;
        for (let i = 0; i < response.rawHeaders.length; i += 2) rawHeaderBytes += response.rawHeaders[i]!.length + response.rawHeaders[i + 1]!.length + 4;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaderBytes, body: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 10 s`)));
    request.on('error', reject);
  });
}
