import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { createFirstStaff, launchChromium } from './support';

const PASSPHRASE = 'an editor passphrase here';
const DONOR = { name: 'Octavia Wellbeloved', email: 'octavia.w@donor.example', street: '9 Quiet Mews', comment: 'Keep the courts beat going' };

/**
 * The editorial firewall as an editor meets it: an admin adds a newsroom
 * account with the staff form, the editor signs in and follows every link the
 * console offers them, and no page they can reach names a donor.
 */
describe('the newsroom role in a real browser', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    // A donor and a gift from a story, as the webhooks would have left them.
    const [donor] = await db('donors')
      .insert({ email: DONOR.email, name: DONOR.name, address: { line1: DONOR.street, city: 'Springfield', country: 'US' } })
      .returning('id');
    await db('donations').insert({
      donor_id: donor.id,
      amount: 5000,
      amount_paid: 5000,
      currency: 'usd',
      frequency: 'once',
      status: 'succeeded',
      paid_at: new Date(Date.now() - 86_400_000),
      article_url: 'https://news.example.org/courts',
      article_title: 'Inside the county courts',
      comment: DONOR.comment,
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  it('lets an admin add an editor with the newsroom role', async () => {
    await createFirstStaff(page, app);
    await page.goto(`${app.baseUrl}/admin/staff`);
    await page.fill('#name', 'Eddie Editor');
    await page.fill('#email', 'editor@newsroom.example');
    await page.selectOption('#role', 'newsroom');
    await page.fill('#password', PASSPHRASE);
    await page.click('text=Add staff member');
    expect(await page.textContent('[role=status]')).toContain('Staff account added');
    await page.click('text=Sign out');
    await page.waitForURL(`${app.baseUrl}/admin/sign-in`);
  });

  it('shows the editor how giving goes, and no donor on any page the console links to', async () => {
    await page.fill('#email', 'editor@newsroom.example');
    await page.fill('#password', PASSPHRASE);
    await page.click('main button[type=submit]');
    await page.waitForURL(`${app.baseUrl}/admin`);
    expect(await page.textContent('[data-figure=raised]')).toBe('$50.00');

    // Every console page reachable from the navigation, and from those pages.
    const visited = new Set<string>();
    const queue = [`${app.baseUrl}/admin`];
    const leaks: string[] = [];
    while (queue.length > 0 && visited.size < 60) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      const response = await page.goto(url);
      const html = await page.content();
      for (const secret of Object.values(DONOR)) if (html.includes(secret)) leaks.push(`${url} (${response?.status()}) shows ${secret}`);
      const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
      for (const link of links) {
        const target = new URL(link);
        if (target.origin === app.baseUrl && target.pathname.startsWith('/admin') && !visited.has(target.href.split('#')[0]!)) queue.push(target.href.split('#')[0]!);
      }
    }
    expect(leaks).toEqual([]);
    expect([...visited].map((u) => new URL(u).pathname)).toEqual(expect.arrayContaining(['/admin', '/admin/reports/stories']));
    expect([...visited].some((u) => new URL(u).pathname.startsWith('/admin/donors'))).toBe(false);

    await page.goto(`${app.baseUrl}/admin/reports/stories`);
    expect(await page.content()).toContain('Inside the county courts');
    // Typing a donor page's address is refused, not just left out of the navigation.
    const typed = await page.goto(`${app.baseUrl}/admin/donors?q=octavia`);
    expect(typed?.status()).toBe(403);
    expect(await page.content()).not.toContain(DONOR.email);
  });
});
