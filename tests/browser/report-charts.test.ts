import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { buildDonor, buildMembership, buildPaidDonation, buildStaff, STAFF_PASSWORD } from '../support/factories';
import { createFirstStaff, launchChromium } from './support';

const DAY_MS = 86_400_000;
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const REPORTS = ['/admin/reports', '/admin/reports/revenue', '/admin/reports/members', '/admin/reports/gifts-by-size', '/admin/reports/sources'];

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * The chart reports in a real browser, on npm start: the SVG a person sees
 * draws the figures in the table beside it, at a desktop width and on a
 * phone, and axe-core finds nothing serious on any of the pages.
 */
describe('chart reports in a real browser, on npm start', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
    const now = Date.now();
    const story = { article_url: 'https://news.example.org/rent', article_title: 'Where the rent goes' };
    for (const [amount, days, extra] of [
      [2500, 3, { ...story, utm_source: 'newsletter' }],
      [10_000, 40, { campaign: 'spring', status: 'partially_refunded', amount_refunded: 2500 }],
      [5000, 75, story],
      [100_000, 200, {}],
    ] as const) {
      const donor = await buildDonor(db);
      await buildPaidDonation(db, { donor_id: donor.id, amount, paid_at: new Date(now - days * DAY_MS), ...extra });
    }
    const member = await buildDonor(db);
    const m = await buildMembership(db, { donor_id: member.id, status: 'active', amount: 1500, stripe_subscription_id: 'sub_browser' });
    for (const days of [95, 65, 35, 5]) {
      await buildPaidDonation(db, { donor_id: member.id, membership_id: m.id, amount: 1500, frequency: 'monthly', paid_at: new Date(now - days * DAY_MS) });
    }
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  async function signInAsFinance(page: Page) {
    // The first account (an admin) comes from the setup link; the finance user is added beside it.
    await createFirstStaff(page, app);
    const finance = await buildStaff(db, { role: 'finance', email: 'fin@newsroom.example', name: 'Fin Ance' });
    await page.click('text=Sign out');
    await page.waitForURL(`${app.baseUrl}/admin/sign-in`);
    await page.fill('#email', finance.email);
    await page.fill('#password', STAFF_PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(`${app.baseUrl}/admin`);
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run()).violations);
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('draws the revenue chart from the figures in its table, and passes axe on every report page, wide and narrow', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signInAsFinance(page);
    await page.click('nav[aria-label=Console] >> text=Reports');
    await page.waitForURL(`${app.baseUrl}/admin/reports`);
    await page.click('text=Revenue by month');
    await page.waitForURL(`${app.baseUrl}/admin/reports/revenue`);

    const bars = await page.$$eval('#revenue-chart rect.bar', (rects) =>
      rects.map((r) => ({ category: r.getAttribute('data-category')!, value: Number(r.getAttribute('data-value')), height: r.getBoundingClientRect().height })),
    );
    expect(bars.length).toBe(48); // 24 months, one-time and recurring
    const drawn = bars.filter((b) => b.value > 0);
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    expect(drawn.every((b) => b.height > 0)).toBe(true);
    expect(bars.filter((b) => b.value === 0).every((b) => b.height === 0)).toBe(true);

    // Each month's bars add up to the total in the table beside the chart, in the same order.
    const table = await page.$$eval('table[data-table=revenue] tbody tr', (rows) =>
      rows.map((row) => Math.round(Number(row.querySelector('[data-col=total]')!.textContent!.replace(/[$,]/g, '')) * 100)),
    );
    const byCategory = new Map<string, number>();
    for (const bar of bars) byCategory.set(bar.category, (byCategory.get(bar.category) ?? 0) + bar.value);
    expect([...byCategory.values()]).toEqual(table);
    expect(table.reduce((a, b) => a + b, 0)).toBe(2500 + 7500 + 5000 + 100_000 + 4 * 1500);
    expect(await page.getAttribute('#revenue-chart', 'role')).toBe('img');
    expect(await page.textContent('#revenue-chart title')).toMatch(/^Revenue by month, /);

    // On a phone the chart scales down to fit the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const box = await (await page.$('#revenue-chart'))!.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.$$eval('#revenue-chart rect.bar', (rects) => rects.filter((r) => r.getBoundingClientRect().height > 0).length)).toBe(drawn.length);

    // axe-core goes in as an inline script, which the console's CSP (rightly) refuses: the audit runs
    // in a second window of the same signed-in session with CSP bypassed, on the same pages.
    const audit = await browser.newContext({ bypassCSP: true, storageState: await page.context().storageState() });
    const auditPage = await audit.newPage();
    for (const width of [1200, 390]) {
      await auditPage.setViewportSize({ width, height: 900 });
      for (const path of REPORTS) {
        await auditPage.goto(`${app.baseUrl}${path}`);
        expect(auditPage.url()).toBe(`${app.baseUrl}${path}`);
        const overflow = await auditPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect({ path, width, overflow }).toEqual({ path, width, overflow: 0 });
        expect({ path, width, violations: await seriousViolations(auditPage) }).toEqual({ path, width, violations: [] });
      }
    }
    await audit.close();
    await page.close();
  });
});
