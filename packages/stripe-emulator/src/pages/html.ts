import type { Response } from 'express';

/**
 * A tiny HTML template tag for the emulator's own pages (they are not part of
 * the app, so they do not use its EJS views). Every interpolated value is
 * escaped unless it is itself `html`-built, so a product name or URL from an
 * API call can never inject markup.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** ` name="value"` for each attribute; `true` renders a bare boolean attribute, absent values nothing. */
export function attributes(pairs: Record<string, string | boolean | undefined>): SafeHtml {
  let out = '';
  for (const [name, value] of Object.entries(pairs)) {
    if (value === true) out += ` ${name}`;
    else if (typeof value === 'string') out += ` ${name}="${escapeHtml(value)}"`;
  }
  return new SafeHtml(out);
}

const STYLE = `
  :root { color-scheme: light; --ink: #1a1f36; --muted: #5e6687; --line: #d5d9e2; --accent: #4f46e5; --bad: #c0123c; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
  .test-banner { margin: 0; padding: .6rem 1rem; background: #ffb020; color: #2b1a00; font-weight: 700; text-align: center; }
  main { max-width: 30rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  .amount { font-size: 2rem; font-weight: 700; margin: 0; }
  .item { color: var(--muted); margin: 0 0 1.5rem; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid var(--line); border-radius: 6px; }
  input[readonly] { background: #f0f2f5; }
  input[aria-invalid="true"] { border-color: var(--bad); }
  .row { display: flex; gap: 1rem; } .row > div { flex: 1; }
  .field-error { color: var(--bad); margin: .25rem 0 0; font-size: .9rem; }
  .alert { border: 1px solid var(--bad); color: var(--bad); background: #fff5f7; padding: .75rem; border-radius: 6px; }
  button { margin-top: 1.5rem; width: 100%; padding: .8rem; font: inherit; font-weight: 700; color: #fff;
           background: var(--accent); border: 0; border-radius: 6px; cursor: pointer; }
  button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .hint { margin-top: 1.5rem; font-size: .9rem; color: var(--muted); }
  h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; } h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
  .card { border: 1px solid var(--line); border-radius: 6px; padding: .25rem 1rem 1rem; margin: .75rem 0; }
  .card p { margin: .25rem 0; } .amount-small { font-size: 1.25rem; font-weight: 700; }
  .notice { border: 1px solid #1a7f37; color: #1a7f37; background: #f0fff4; padding: .75rem; border-radius: 6px; }
  button.secondary { background: #fff; color: var(--bad); border: 1px solid var(--bad); }
  .history { padding-left: 1.25rem; }
  .hint code { color: var(--ink); }
`;

/** The page frame: the test-mode banner is on every page the emulator serves. */
export function renderPage(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Stripe emulator (test mode)</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<p class="test-banner" role="note">TEST MODE — local Stripe emulator, no real money moves</p>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** Sends one of the emulator's pages: never cached, no scripts, not framable. */
export function sendHtml(res: Response, status: number, body: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .send(body);
}
