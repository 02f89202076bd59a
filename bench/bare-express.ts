/**
 * The reference for bench/embed.ts: an Express 5 app with no middleware that
 * answers two routes with fixed bytes, so the embed routes can be compared
 * with the least Express itself costs for the same response sizes.
 *
 *   node --import tsx bench/bare-express.ts HTML_FILE JS_FILE
 *
 * GET /   the bytes of HTML_FILE as text/html (the bench passes the footer the app rendered)
 * GET /js the bytes of JS_FILE as text/javascript with Content-Encoding: gzip (the gzipped loader)
 *
 * Listens on an OS-chosen loopback port and prints {"port":N} on stdout; exits on SIGTERM.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';

const [htmlFile, jsFile] = process.argv.slice(2);
if (!htmlFile || !jsFile) {
  process.stderr.write('usage: node --import tsx bench/bare-express.ts HTML_FILE JS_FILE\n');
  process.exit(2);
}
const html = fs.readFileSync(htmlFile, 'utf8');
const js = fs.readFileSync(jsFile);

const app = express();
app.disable('x-powered-by');
// Like the embed routes, which set their own ETag: Express's default would hash every body.
app.set('etag', false);
app.get('/', (_req, res) => {
  res.type('html').send(html);
});
app.get('/js', (_req, res) => {
  res.setHeader('Content-Encoding', 'gzip');
  res.type('text/javascript; charset=utf-8').send(js);
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
