import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';
import { strongEtag } from '../http/etag';

/** The loader newsrooms hot-link from every article page: minified once at boot, gzipped once. */
export interface LoaderAsset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  /** A strong validator names one representation: the gzipped bytes have their own. */
  gzippedEtag: string;
}

export const LOADER_SOURCE = path.join(__dirname, 'browser/loader.js');

export function buildLoaderAsset(source = fs.readFileSync(LOADER_SOURCE, 'utf8')): LoaderAsset {
  // ES2015 output, so older in-app browsers (the reader's Facebook or Instagram
  // webview) run it; the source is ES5 and stays readable.
  const { code } = transformSync(source, { minify: true, target: 'es2015', loader: 'js' });
  const body = Buffer.from(code);
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: strongEtag(body),
    gzippedEtag: strongEtag(body, '-gz'),
  };
}
