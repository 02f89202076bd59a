/// <reference lib="dom" />
// Page functions below run in Chromium, so this file sees the DOM types.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import knexFactory, { type Knex } from 'knex';
import type { Browser, Frame, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { createFirstStaff, launchChromium, payWithTestCard } from './support';

/**
 * A newsroom's article page, served from an origin of its own: the tag from
 * docs/EMBED.md at the end of the story, canonical URL and og:title in the head.
 */
function articlePage(sustainUrl: string, socialUrl: string): http.RequestListener {
  return (req, res) => {
    if (req.url === '/embed.js') {
      // Another service's embed script (social posts in articles often come this way).
      res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.socialEmbedRan = true;');
      return;
    }
    if (!req.url?.startsWith('/2026/12/')) {
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Library hours | The Ledger</title>
<link rel="canonical" href="https://ledger.example/2026/12/library-hours">
<meta property="og:title" content="Council keeps the library open on Sundays">
</head><body><article><h1>Council keeps the library open on Sundays</h1>
<script src="${socialUrl}/embed.js" async></script>
${'<p>The story goes on for a while, as stories do.</p>'.repeat(12)}
<script src="${sustainUrl}/embed.js" data-campaign="winter-drive" data-variant="b" async></script>
</article></body></html>`);
  };
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the article footer box on a newsroom’s own site, in a real browser', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;
  let newsroom: http.Server;
  let elsewhere: http.Server;
  let newsroomOrigin: string;
  let elsewhereOrigin: string;
  const hostErrors: string[] = [];

  beforeAll(async () => {
    // Two sites on names of their own (mapped to this machine below), so
    // neither is a loopback origin the box allows outside production anyway.
    newsroom = http.createServer();
    elsewhere = http.createServer();
    const newsroomPort = await listen(newsroom);
    const elsewherePort = await listen(elsewhere);
    newsroomOrigin = `http://news.test:${newsroomPort}`;
    elsewhereOrigin = `http://elsewhere.test:${elsewherePort}`;
    app = await startApp({ EMBED_ALLOWED_ORIGINS: newsroomOrigin });
    for (const server of [newsroom, elsewhere]) server.on('request', articlePage(app.baseUrl, elsewhereOrigin));
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium(['--host-resolver-rules=MAP news.test 127.0.0.1, MAP elsewhere.test 127.0.0.1']);
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on('pageerror', (error) => hostErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && new URL(page.url()).hostname.endsWith('.test')) hostErrors.push(`${message.text()} (${message.location().url})`);
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    newsroom?.close();
    elsewhere?.close();
    if (app) expect(await app.stop()).toBe(0);
  });

  async function boxFrame(): Promise<Frame> {
    await page.locator('.sustain-embed iframe').scrollIntoViewIfNeeded();
    for (let i = 0; i < 100; i += 1) {
      const frame = page.frames().find((f) => f.url().startsWith(`${app.baseUrl}/embed/footer`));
      if (frame && (await frame.locator('form').count()) > 0) return frame;
      await page.waitForTimeout(100);
    }
    throw new Error('the box never rendered');
  }

  it('renders inside the article, sized to its content, and takes a $25 gift through Checkout back to the article with a thank-you', async () => {
    const article = `${newsroomOrigin}/2026/12/library-hours?utm_source=newsletter&utm_medium=email&utm_campaign=dec-digest`;
    await page.goto(article);
    const frame = await boxFrame();
    expect(await frame.textContent('h2')).toBe('Support our non-profit journalism');
    // The other service's /embed.js ran and got no box of ours.
    await page.waitForFunction(() => (window as unknown as { socialEmbedRan?: boolean }).socialEmbedRan === true);
    expect(await page.locator('.sustain-embed').count()).toBe(1);
    // The loader sets the frame's height from the box's own report.
    await page.waitForFunction(() => {
      const iframe = document.querySelector<HTMLIFrameElement>('.sustain-embed iframe')!;
      const inner = iframe.contentWindow;
      return inner !== null && Math.abs(iframe.getBoundingClientRect().height - 560) > 1;
    });
    const frameHeight = await page.locator('.sustain-embed iframe').evaluate((el) => el.getBoundingClientRect().height);
    const boxHeight = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    expect(Math.abs(frameHeight - boxHeight)).toBeLessThanOrEqual(1);

    await frame.click('label[for="amount-25"]');
    await frame.click('button[type=submit]');
    await page.waitForURL(/\/checkout\//);
    // The box asks for no email: Checkout does.
    await payWithTestCard(page, 'Ada Reader', 'reader@example.com');

    await page.waitForURL((url) => url.origin === newsroomOrigin && url.pathname === '/2026/12/library-hours');
    const banner = page.locator('.sustain-thanks');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.textContent()).toContain('Thank you for your gift!');
    // The marker is gone, so a reload or a shared link thanks nobody again.
    expect(page.url()).toBe(article);

    const donation = await pollFor(() => db('donations').where({ status: 'succeeded' }).first());
    expect(donation).toMatchObject({
      amount: 2500,
      article_url: 'https://ledger.example/2026/12/library-hours',
      article_title: 'Council keeps the library open on Sundays',
      campaign: 'winter-drive',
      cta_variant: 'b',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'dec-digest',
      return_to: article,
    });
    expect(hostErrors).toEqual([]);
  });

  it('shows staff what the story brought in, for a period they pick, and the gift behind it', async () => {
    const staff = await browser.newPage();
    try {
      await createFirstStaff(staff, app);
      // An admin's Reports link opens the list of reports.
      await staff.click('nav >> text=Reports');
      await staff.waitForURL(/\/admin\/reports$/);
      await staff.click('main >> text=Revenue by story');
      await staff.waitForURL(/\/admin\/reports\/stories/);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
      const weekAgo = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(Date.now() - 7 * 86_400_000));
      await staff.fill('#from', weekAgo);
      await staff.fill('#to', today);
      await staff.click('form.period button[type=submit]');
      await staff.waitForURL((url) => url.searchParams.get('from') === weekAgo && url.searchParams.get('to') === today);
      const row = staff.locator('tbody tr', { hasText: 'Council keeps the library open on Sundays' });
      expect(await row.textContent()).toContain('$25.00');
      await row.locator('a').first().click();
      await staff.waitForURL(/\/admin\/reports\/gifts\?/);
      expect(await staff.textContent('main')).toContain('Ada Reader');
      await staff.goBack();
      await staff.click('main >> text=Revenue by campaign');
      expect(await staff.locator('tbody tr', { hasText: 'winter-drive' }).textContent()).toContain('$25.00');
    } finally {
      await staff.close();
    }
  });

  it('gives a preset with the keyboard alone on a 320 px phone, tabbing from the article into the box and past the Other amount box', async () => {
    const phone = await browser.newPage({ viewport: { width: 320, height: 640 } });
    try {
      await phone.goto(`${newsroomOrigin}/2026/12/library-hours`);
      await phone.locator('.sustain-embed iframe').scrollIntoViewIfNeeded();
      await phone.waitForFunction(() => (window as unknown as { SustainEmbed: { boxes: { ready: boolean }[] } }).SustainEmbed.boxes.every((b) => b.ready));
      const frame = phone.frames().find((f) => f.url().startsWith(`${app.baseUrl}/embed/footer`))!;
      // Nothing in the box is wider than the phone.
      expect(await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const focused = () => frame.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id ?? '');
      // From the top of the article, Tab reaches the box: its first stop is the frequency (Once).
      for (let i = 0; i < 10 && (await focused()) !== 'frequency-once'; i += 1) await phone.keyboard.press('Tab');
      expect(await focused()).toBe('frequency-once');
      await phone.keyboard.press('Tab');
      expect(await focused()).toBe('amount-25');
      await phone.keyboard.press('ArrowRight');
      expect(await focused()).toBe('amount-50');
      await phone.keyboard.press('Tab');
      expect(await focused()).toBe('amount_other');
      await phone.keyboard.press('Tab');
      expect(await focused()).toBe('cover_fees');
      await phone.keyboard.press('Tab');
      expect(await frame.evaluate(() => document.activeElement?.textContent)).toBe('Donate');
      await phone.keyboard.press('Enter');
      await phone.waitForURL(/\/checkout\//);
      expect(await phone.textContent('body')).toContain('$50.00');
      const pending = await db('donations').where({ status: 'pending', amount: 5000 }).first();
      expect(pending).toMatchObject({ campaign: 'winter-drive', article_url: 'https://ledger.example/2026/12/library-hours' });
    } finally {
      await phone.close();
    }
  });

  it('ignores a height message that does not come from its own frame, and remembers its real height for the next article', async () => {
    await page.goto(`${newsroomOrigin}/2026/12/library-hours`);
    await page.locator('.sustain-embed iframe').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (window as unknown as { SustainEmbed: { boxes: { ready: boolean }[] } }).SustainEmbed.boxes.every((b) => b.ready));
    const height = () => page.locator('.sustain-embed iframe').evaluate((el) => el.getBoundingClientRect().height);
    const before = await height();
    await page.evaluate(() => window.postMessage({ type: 'sustain:height', id: 'sustain-box-1', height: 2000 }, '*'));
    await page.waitForTimeout(200);
    expect(await height()).toBe(before);
    const remembered = await page.evaluate(() => window.localStorage.getItem('sustain-embed-height:campaign=winter-drive&variant=b'));
    expect(Number(remembered)).toBe(before);
  });

  it('cannot be framed by a site that is not allowed: the box gives its space back', async () => {
    const refused: string[] = [];
    const listener = (message: { type(): string; text(): string }) => {
      if (/frame-ancestors/.test(message.text())) refused.push(message.text());
    };
    page.on('console', listener);
    await page.goto(`${elsewhereOrigin}/2026/12/library-hours`);
    await page.locator('.sustain-embed iframe').scrollIntoViewIfNeeded();
    await page.locator('.sustain-embed').waitFor({ state: 'hidden', timeout: 20_000 });
    const frame = page.frames().find((f) => f.url().includes('/embed/footer'));
    const rendered = frame ? await frame.locator('form').count().catch(() => 0) : 0;
    expect(rendered).toBe(0);
    page.off('console', listener);
    hostErrors.length = 0;
  });

  it('shows several boxes on one page, each sized on its own, under one global', async () => {
    await page.goto(`${newsroomOrigin}/2026/12/library-hours`);
    await page.evaluate((src) => {
      const second = document.createElement('script');
      second.src = `${src}/embed.js`;
      second.setAttribute('data-amounts', '5,10');
      second.setAttribute('data-theme', 'dark');
      document.querySelector('article')!.prepend(second);
    }, app.baseUrl);
    await page.waitForFunction(() => document.querySelectorAll('.sustain-embed').length === 2);
    const globals = await page.evaluate(() => Object.keys(window).filter((key) => /sustain/i.test(key)));
    expect(globals).toEqual(['SustainEmbed']);
    for (const iframe of await page.locator('.sustain-embed iframe').all()) await iframe.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (window as unknown as { SustainEmbed: { boxes: { ready: boolean }[] } }).SustainEmbed.boxes.every((b) => b.ready));
    const sources = await page.locator('.sustain-embed iframe').evaluateAll((frames) => frames.map((f) => (f as HTMLIFrameElement).src.split('#')[0]));
    expect(sources).toEqual([`${app.baseUrl}/embed/footer?amounts=5%2C10&theme=dark`, `${app.baseUrl}/embed/footer?campaign=winter-drive&variant=b`]);
    expect(hostErrors).toEqual([]);
  });
});

async function pollFor<T>(read: () => Promise<T>): Promise<NonNullable<T>> {
  for (let i = 0; i < 150; i += 1) {
    const value = await read();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}
