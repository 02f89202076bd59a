import request from 'supertest';
import { addDays, todayInTimeZone } from '../../../src/admin/report-period';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonor, buildMembership, buildPaidDonation } from '../../support/factories';
import { chartBars, csvRows, tableRow } from './report-charts-support';
import { signedInStaff } from './support';

const DAY_MS = 86_400_000;
const ZONE = 'America/New_York';
const STORY = 'https://news.example.org/2025/housing';

describe('staff console: revenue by month', () => {
  let t: TestApp;
  let cookie: string;
  let staffId: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const finance = await signedInStaff(t, 'finance');
    cookie = finance.cookie;
    staffId = finance.staff.id;
  });
  afterAll(() => t.close());

  const get = (path: string) => request(t.app).get(path).set('Cookie', cookie);
  const page = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return res.text;
  };

  /** A kept gift from a donor of its own, paid at `paidAt`. */
  async function gift(amount: number, paidAt: string, extra: Record<string, unknown> = {}) {
    const donor = await buildDonor(t.db);
    return buildPaidDonation(t.db, { donor_id: donor.id, amount, paid_at: new Date(paidAt), ...extra });
  }

  /** March 2025 in New York and the months around it, with every kind of gift that counts and that does not. */
  async function seedMarch() {
    // 23:00 on 31 March in New York is 03:00 on 1 April in UTC: a March gift.
    await gift(2500, '2025-04-01T03:00:00Z');
    // 00:30 on 1 March in New York (05:30 UTC) is March; 23:30 on 28 February (04:30 UTC on 1 March) is February.
    await gift(10_000, '2025-03-01T05:30:00Z', { status: 'partially_refunded', amount_refunded: 4000 });
    await gift(700, '2025-03-01T04:30:00Z');
    // A membership payment.
    const m = await buildMembership(t.db, { status: 'active', stripe_subscription_id: 'sub_march' });
    await gift(1000, '2025-03-15T16:00:00Z', { frequency: 'monthly', membership_id: m.id });
    // Not given: refunded in full, failed, and a gift in another currency.
    await gift(3000, '2025-03-20T16:00:00Z', { status: 'refunded', amount_refunded: 3000 });
    await gift(500, '2025-03-20T16:00:00Z', { status: 'failed', paid_at: null });
    await gift(99_900, '2025-03-21T16:00:00Z', { currency: 'eur' });
    // A year before, and a month after.
    await gift(4000, '2024-03-20T16:00:00Z');
    await gift(5000, '2025-04-01T04:30:00Z');
  }

  it('adds up each month in the organisation’s zone, net of refunds, one-time and recurring apart', async () => {
    await seedMarch();
    const html = await page('/admin/reports/revenue?months=24&end=2025-03');
    expect(tableRow(html, 'month', '2025-03')).toEqual({ one_time: '$85.00', recurring: '$10.00', total: '$95.00', gifts: '3' });
    expect(tableRow(html, 'month', '2025-02')).toEqual({ one_time: '$7.00', recurring: '$0.00', total: '$7.00', gifts: '1' });
    expect(tableRow(html, 'month', '2024-03')).toMatchObject({ total: '$40.00' });
    expect(html).not.toContain('data-month="2025-04"');
    expect(html).not.toContain('data-month="2023-03"');
    expect(tableRow(html, 'month', 'totals')).toEqual({ one_time: '$132.00', recurring: '$10.00', total: '$142.00', gifts: '5' });

    // The chart beside it draws the same figures: March's two segments stacked, 24 months.
    const bars = chartBars(html, 'revenue-chart');
    expect(new Set(bars.map((b) => b.category)).size).toBe(24);
    expect(bars.filter((b) => b.category === 'Mar ’25').map((b) => [b.series, b.value])).toEqual([['One-time', 8500], ['Recurring', 1000]]);
    expect(bars.find((b) => b.category === 'Mar ’25' && b.series === 'One-time')!.height).toBeGreaterThan(0);
    expect(bars.find((b) => b.category === 'Jan ’25' && b.series === 'One-time')!.height).toBe(0);
    expect(html).toMatch(/<svg [^>]*role="img" aria-labelledby="revenue-chart-title revenue-chart-desc"/);
    expect(html).toContain('<title id="revenue-chart-title">Revenue by month, April 2023 to March 2025</title>');
  });

  it('compares the month with the one before and the same month a year before', async () => {
    await seedMarch();
    const html = await page('/admin/reports/revenue?months=3&end=2025-03');
    expect(html).toContain('data-figure="this-month">$95.00<');
    // February $7: +1257%; March 2024 $40: +138% (95 - 40 = 55 on 40).
    expect(html).toMatch(/data-compare="last-month"><span class="label">Last month: February 2025<\/span><span class="value">\$7\.00<\/span>\s*<span class="sub">March 2025 is <span data-change>\+1257%<\/span>/);
    expect(html).toMatch(/data-compare="last-year"><span class="label">Same month last year: March 2024<\/span><span class="value">\$40\.00<\/span>\s*<span class="sub">March 2025 is <span data-change>\+138%<\/span>/);
    // Three months are shown; the year-old month is read for the comparison only.
    expect(html).not.toContain('data-month="2024-03"');
    // April against March: down, and nothing a year before to compare with.
    const april = await page('/admin/reports/revenue?months=3&end=2025-04');
    expect(april).toMatch(/data-compare="last-month">[\s\S]*?<span data-change>-47%<\/span>/);
    expect(april).toMatch(/data-compare="last-year">[\s\S]*?nothing to compare with/);
  });

  it('agrees with the dashboard and the stories report over the same gifts and days', async () => {
    const now = Date.now();
    for (const [amount, days, extra] of [
      [2500, 1, {}],
      [10_000, 6, { status: 'partially_refunded', amount_refunded: 2500 }],
      [1500, 12, { frequency: 'monthly' }],
      [4200, 25, {}],
      [9900, 3, { status: 'refunded', amount_refunded: 9900 }],
    ] as const) {
      await gift(amount, new Date(now - days * DAY_MS).toISOString(), { article_url: STORY, ...extra });
    }
    const today = todayInTimeZone(new Date(), ZONE);
    const dashboard = await page('/admin');
    const raised = /data-figure="raised">([^<]+)</.exec(dashboard)![1];
    expect(raised).toBe('$157.00');
    const revenue = await page('/admin/reports/revenue?months=2');
    expect(tableRow(revenue, 'month', 'totals').total).toBe(raised);
    const from = `${addDays(today, -40).slice(0, 7)}-01`;
    const stories = await page(`/admin/reports/stories?from=${from}&to=${today}`);
    expect(/<tr data-row="totals">[\s\S]*?data-col="revenue">([^<]+)</.exec(stories)![1]).toBe(raised);
  });

  it('agrees with the stories report over one calendar month', async () => {
    await seedMarch();
    await t.db('donations').update({ article_url: STORY });
    const revenue = tableRow(await page('/admin/reports/revenue?end=2025-03'), 'month', '2025-03').total;
    const stories = await page('/admin/reports/stories?from=2025-03-01&to=2025-03-31');
    expect(/<tr data-row="totals">[\s\S]*?data-col="revenue">([^<]+)</.exec(stories)![1]).toBe(revenue);
  });

  it('downloads its table as CSV, recorded in the audit log', async () => {
    await seedMarch();
    const res = await get('/admin/reports/revenue?months=24&end=2025-03&format=csv');
    const rows = csvRows(res);
    expect(res.headers['content-disposition']).toBe('attachment; filename=revenue-by-month-2023-04-to-2025-03.csv');
    expect(rows[0]).toEqual(['Month', 'One-time (USD)', 'Recurring (USD)', 'Total (USD)', 'Gifts']);
    expect(rows).toHaveLength(25);
    expect(rows.find((r) => r[0] === '2025-03')).toEqual(['2025-03', '85.00', '10.00', '95.00', '3']);
    expect(rows.find((r) => r[0] === '2025-02')).toEqual(['2025-02', '7.00', '0.00', '7.00', '1']);
    const audit = await t.db('audit_log').where({ action: 'report.exported' }).select('admin_user_id', 'detail');
    expect(audit).toEqual([{ admin_user_id: staffId, detail: { report: 'revenue', filters: { months: 24, end: '2025-03' }, rows: 24 } }]);
    // With the byte-order mark Excel needs.
    expect((await get('/admin/reports/revenue?months=1&end=2025-03&format=csv&bom=1')).text.startsWith('\uFEFFMonth,')).toBe(true);
  });

  it('answers 422 naming the field for bad months, a bad or future end, or an unknown format, and writes nothing', async () => {
    const next = `${todayInTimeZone(new Date(Date.now() + 40 * DAY_MS), ZONE).slice(0, 7)}`;
    for (const [query, field] of [
      ['months=0', 'months'],
      ['months=61', 'months'],
      ['months=two', 'months'],
      ['end=2025-13', 'end'],
      ['end=March', 'end'],
      [`end=${next}`, 'end: must not be after this month'],
      ['format=xlsx', 'format'],
      ['format=csv&months=0', 'months'],
    ] as const) {
      const res = await get(`/admin/reports/revenue?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      expect(res.text).toContain(field);
    }
    expect(await t.db('audit_log').where({ action: 'report.exported' }).pluck('id')).toEqual([]);
  });
});
