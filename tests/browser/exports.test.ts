import fs from 'node:fs';
import axe from 'axe-core';
import { parse } from 'csv-parse/sync';
import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { addDays, todayInTimeZone } from '../../src/admin/report-period';
import { createStaffUser } from '../../src/admin/staff-users';
import { startApp, type RunningApp } from '../e2e/run-app';
import { createFirstStaff, launchChromium } from './support';

/**
 * Exports in a real browser: a finance member picks the donations file and a
 * period on /admin/exports, clicks download, and gets the file Chromium saves
 * (the Content-Disposition attachment); the page passes axe's checks.
 */
describe('exports in a real browser, on npm start', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;
  const today = todayInTimeZone(new Date(), 'America/New_York');

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    // The first account (an admin) from the setup link, then a finance member as admin:create would add one.
    await createFirstStaff(page, app);
    await createStaffUser(db, { email: 'fin@newsroom.example', password: 'another long passphrase', role: 'finance', name: 'Fin Ance' });
    await page.click('text=Sign out');
    await page.waitForURL(`${app.baseUrl}/admin/sign-in`);

    // A gift from three days ago, named in a way a CSV must quote, and one from before the period.
    const [donor] = await db('donors').insert({ email: 'zoe@example.com', name: 'Zoë "Z" O\'Brien, Jr.' }).returning('id');
    const paid = (amount: number, days: number, campaign: string) => ({
      donor_id: donor.id, status: 'succeeded', frequency: 'once', currency: 'usd', amount, amount_paid: amount,
      paid_at: new Date(Date.now() - days * 86_400_000), campaign,
    });
    await db('donations').insert([paid(4250, 3, 'spring-drive'), paid(9999, 60, 'last-winter')]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  async function signInAsFinance(on: Page) {
    await on.goto(`${app.baseUrl}/admin/sign-in`);
    await on.fill('#email', 'fin@newsroom.example');
    await on.fill('#password', 'another long passphrase');
    await on.click('main button[type=submit]');
    await on.waitForURL(`${app.baseUrl}/admin`);
  }

  it('downloads donations.csv for a chosen period from the exports page, with the gift in it', async () => {
    await signInAsFinance(page);
    await page.click('nav >> text=Exports');
    await page.waitForURL(`${app.baseUrl}/admin/exports`);

    await page.fill('#donations-from', addDays(today, -9));
    await page.fill('#donations-to', today);
    await page.selectOption('#donations-status', 'succeeded');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download donations.csv')]);
    expect(download.suggestedFilename()).toBe(`donations-${addDays(today, -9)}-to-${today}.csv`);

    const rows: Record<string, string>[] = parse(fs.readFileSync((await download.path())!), { columns: true });
    expect(rows.map((r) => [r.donor_name, r.donor_email, r.amount, r.currency, r.net, r.status, r.campaign])).toEqual([
      ['Zoë "Z" O\'Brien, Jr.', 'zoe@example.com', '42.50', 'USD', '42.50', 'succeeded', 'spring-drive'],
    ]);
    // The page is still the exports page: the file came as a download, not a navigation.
    expect(page.url()).toBe(`${app.baseUrl}/admin/exports`);
    const entry = await db('audit_log').where({ action: 'export.downloaded' }).first();
    expect(entry.detail).toMatchObject({ rows: 1, filters: { from: addDays(today, -9), to: today, status: 'succeeded' } });
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    // The console's CSP refuses inline scripts, axe's included: this page alone lets the test add it.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    try {
      const checked = await context.newPage();
      await signInAsFinance(checked);
      await checked.goto(`${app.baseUrl}/admin/exports`);
      await checked.addScriptTag({ content: axe.source });
      const violations = await checked.evaluate(async () => {
        const result = await (window as unknown as { axe: typeof axe }).axe.run(document);
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      });
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      // axe did run: it reports the rules it checked.
      expect(await checked.evaluate(async () => (await (window as unknown as { axe: typeof axe }).axe.run(document)).passes.length)).toBeGreaterThan(10);
    } finally {
      await context.close();
    }
  });
});
