import request from 'supertest';
import { STAFF_ROLES, type StaffRole } from '../../../src/admin/roles';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonor, buildMembership, buildPaidDonation } from '../../support/factories';
import { invoiceObject } from '../../support/membership-fixtures';
import { deliver } from '../receipts/support';
import { chartBars, csvRows, tableRow } from './report-charts-support';
import { signedInStaff } from './support';

const at = (iso: string) => new Date(iso);
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('staff console: members report', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ cookie } = await signedInStaff(t, 'finance'));
  });
  afterAll(() => t.close());

  const get = (path: string) => request(t.app).get(path).set('Cookie', cookie);
  const page = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return res.text;
  };

  /** A started membership whose first payment was at `start`. */
  async function member(amount: number, start: string, fields: Record<string, unknown> = {}) {
    const donor = await buildDonor(t.db);
    const m = await buildMembership(t.db, { donor_id: donor.id, amount, status: 'active', status_at: at(start), ...fields });
    const interval = fields.interval === 'year' ? 'annual' : 'monthly';
    await buildPaidDonation(t.db, { donor_id: donor.id, membership_id: m.id, amount, frequency: interval, paid_at: at(start) });
    return m;
  }

  /**
   * Memberships through the first half of 2025 in New York, and what each
   * month should say of them (worked out by hand in the tests below).
   */
  async function seedMembers() {
    await member(1000, '2024-12-10T16:00:00Z'); // A: active throughout
    await member(2000, '2025-01-15T16:00:00Z', { status: 'canceled', ended_at: at('2025-03-20T16:00:00Z'), canceled_at: at('2025-03-20T16:00:00Z'), cancellation_reason: 'cancellation_requested' }); // B
    await member(1500, '2025-01-20T16:00:00Z', { status: 'canceled', ended_at: at('2025-04-05T16:00:00Z'), cancellation_reason: 'payment_failed' }); // C: lapsed
    // D: 23:30 on 31 January in New York (04:30 UTC on 1 February): a January start; $120 a year is $10 a month.
    await member(12_000, '2025-02-01T04:30:00Z', { interval: 'year' });
    await member(2500, '2025-03-10T16:00:00Z', { status: 'past_due', status_at: at('2025-05-15T16:00:00Z') }); // E: on hold from 15 May
    await member(3000, '2025-04-10T16:00:00Z', { status: 'paused', status_at: at('2025-06-01T16:00:00Z') }); // F: on hold from 1 June
    await member(5000, '2025-05-05T16:00:00Z', { status: 'canceled', ended_at: at('2025-05-25T16:00:00Z') }); // G: no reason recorded
    // J: active, no payment recorded yet: it counts from its creation.
    await buildMembership(t.db, { amount: 500, status: 'active', created_at: at('2025-06-03T16:00:00Z'), status_at: at('2025-06-03T16:00:00Z') });
    // Never started: not counted anywhere.
    await buildMembership(t.db, { amount: 9900, status: 'pending', created_at: at('2025-02-10T16:00:00Z') });
    await buildMembership(t.db, { amount: 9900, status: 'incomplete_expired', created_at: at('2025-02-11T16:00:00Z'), ended_at: at('2025-02-12T16:00:00Z') });

    // K: joined 5 February; its April payment failed on the 1st and was paid on the 12th, through the webhooks.
    const donor = await buildDonor(t.db, { email: 'kim@example.com', stripe_customer_id: 'cus_k' });
    const k = await buildMembership(t.db, { donor_id: donor.id, amount: 800, status: 'active', stripe_subscription_id: 'sub_k', status_at: at('2025-02-05T16:00:00Z') });
    await buildPaidDonation(t.db, { donor_id: donor.id, membership_id: k.id, amount: 800, frequency: 'monthly', paid_at: at('2025-02-05T16:00:00Z') });
    const ids = { membershipId: k.id, subscriptionId: 'sub_k', customerId: 'cus_k', sessionId: 'cs_k' };
    const failedAt = seconds('2025-04-01T16:00:00Z');
    const paidAt = seconds('2025-04-12T16:00:00Z');
    await deliver(t, 'invoice.payment_failed', invoiceObject(ids, { id: 'in_k_april', amount: 800, status: 'open', paidAt: failedAt, email: 'kim@example.com' }), { created: failedAt });
    expect((await t.db('memberships').where({ id: k.id }).first()).status).toBe('past_due');
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_k_april', amount: 800, paidAt, email: 'kim@example.com' }), { created: paidAt });
    expect((await t.db('memberships').where({ id: k.id }).first()).status).toBe('active');
  }

  const HALF = '/admin/reports/members?months=6&end=2025-06';

  it('counts each month’s active members, starts, recoveries, cancellations, lapses, churn and MRR', async () => {
    await seedMembers();
    const html = await page(HALF);
    const month = (m: string) => tableRow(html, 'month', m);
    const figures = (activeAtStart: number, started: number, recovered: number, cancelled: number, lapsed: number, activeAtEnd: number, churn: string, mrr: string) => ({
      active_at_start: String(activeAtStart),
      started: String(started),
      recovered: String(recovered),
      cancelled: String(cancelled),
      lapsed: String(lapsed),
      active_at_end: String(activeAtEnd),
      churn,
      mrr,
    });
    expect(month('2025-01')).toEqual(figures(1, 3, 0, 0, 0, 4, '0.0%', '$55.00'));
    expect(month('2025-02')).toEqual(figures(4, 1, 0, 0, 0, 5, '0.0%', '$63.00'));
    // B cancelled: 1 of the 5 active on 1 March.
    expect(month('2025-03')).toEqual(figures(5, 1, 0, 1, 0, 5, '20.0%', '$68.00'));
    // C lapsed (payment failed for good); K's failed payment was paid on the 12th.
    expect(month('2025-04')).toEqual(figures(5, 1, 1, 0, 1, 5, '20.0%', '$83.00'));
    // G started and was cancelled; E went on hold (no longer active, still in MRR: a failed card is expected to recover).
    expect(month('2025-05')).toEqual(figures(5, 1, 0, 1, 0, 4, '20.0%', '$83.00'));
    // F paused on 1 June: neither active nor in MRR; J began.
    expect(month('2025-06')).toEqual(figures(4, 1, 0, 0, 0, 4, '0.0%', '$58.00'));

    const points = [...html.matchAll(/<circle class="point"[^>]* data-series="Active members" data-category="([^"]+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(points).toEqual([['Jan ’25', 4], ['Feb ’25', 5], ['Mar ’25', 5], ['Apr ’25', 5], ['May ’25', 4], ['Jun ’25', 4]]);
    const movement = chartBars(html, 'member-movement-chart');
    expect(movement.filter((b) => b.category === 'Jan ’25').map((b) => [b.series, b.value])).toEqual([['Started', 3], ['Ended', 0]]);
  });

  it('shows retention by signup month once each mark has passed for the whole month', async () => {
    await seedMembers();
    const html = await page(HALF);
    const cohort = (m: string) => tableRow(html, 'cohort', m);
    // January: B, C and D. After a month all three; after three months only D (B cancelled, C lapsed).
    expect(cohort('2025-01')).toEqual({ members: '3', after_1: '100.0%', after_3: '33.3%', after_6: '33.3%', after_12: '33.3%' });
    expect(cohort('2025-02')).toEqual({ members: '1', after_1: '100.0%', after_3: '100.0%', after_6: '100.0%', after_12: '100.0%' });
    // E went on hold on 15 May, two months and five days in.
    expect(cohort('2025-03')).toEqual({ members: '1', after_1: '100.0%', after_3: '0.0%', after_6: '0.0%', after_12: '0.0%' });
    expect(cohort('2025-05')).toEqual({ members: '1', after_1: '0.0%', after_3: '0.0%', after_6: '0.0%', after_12: '0.0%' });
    expect(cohort('2025-06')).toMatchObject({ members: '1', after_12: '100.0%' });
    expect(html).toMatch(/<td class="num heat heat-3" data-col="after_3">33\.3%<\/td>/);

    // This month's signups: no mark has passed yet for all of them, so nothing is shown.
    await buildMembership(t.db, { amount: 1000, status: 'active' });
    const now = await page('/admin/reports/members?months=1');
    expect(Object.values(tableRow(now, 'cohort', /data-cohort="([^"]+)"/.exec(now)![1]!))).toEqual(['1', '', '', '', '']);
  });

  it('agrees with the dashboard on today’s active members and monthly recurring revenue', async () => {
    await seedMembers();
    const dashboard = await page('/admin');
    const figure = (html: string, name: string) => new RegExp(`data-figure="${name}">([^<]+)<`).exec(html)![1];
    const report = await page('/admin/reports/members');
    expect(figure(report, 'active')).toBe(figure(dashboard, 'active-members'));
    expect(figure(report, 'mrr')).toBe(figure(dashboard, 'mrr'));
    expect(figure(report, 'active')).toBe('4');
    expect(figure(report, 'mrr')).toBe('$58.00');
  });

  it('downloads the monthly table and the cohort table as CSV', async () => {
    await seedMembers();
    const months = csvRows(await get(`${HALF}&format=csv`));
    expect(months[0]).toEqual(['Month', 'Active at start', 'Started', 'Recovered', 'Cancelled', 'Lapsed', 'Active at end', 'Churn (%)', 'MRR at end (USD)']);
    expect(months[4]).toEqual(['2025-04', '5', '1', '1', '0', '1', '5', '20', '83.00']);
    const cohorts = csvRows(await get(`${HALF}&table=cohorts&format=csv`));
    expect(cohorts[0]).toEqual(['Signup month', 'Members', 'Active after 1 month (%)', 'Active after 3 months (%)', 'Active after 6 months (%)', 'Active after 12 months (%)']);
    expect(cohorts[1]).toEqual(['2025-01', '3', '100', '33.3', '33.3', '33.3']);
    const audit = await t.db('audit_log').where({ action: 'report.exported' }).orderBy('id').pluck('detail');
    expect(audit.map((d) => d.filters)).toEqual([
      { months: 6, end: '2025-06', table: 'months' },
      { months: 6, end: '2025-06', table: 'cohorts' },
    ]);
  });

  it('answers 422 naming the table for an unknown one', async () => {
    const res = await get('/admin/reports/members?table=donors');
    expect(res.status).toBe(422);
    expect(res.text).toContain('table');
  });
});

describe('chart reports by role', () => {
  let t: TestApp;
  const cookies = {} as Record<StaffRole, string>;
  beforeAll(async () => {
    t = await bootTestApp();
    await t.reset();
    for (const role of STAFF_ROLES) cookies[role] = (await signedInStaff(t, role)).cookie;
  });
  afterAll(() => t.close());

  const PAGES = ['/admin/reports/revenue', '/admin/reports/members', '/admin/reports/gifts-by-size', '/admin/reports/sources'];

  it('refuses staff and the newsroom with 403, pages and files alike, and records no export', async () => {
    for (const role of ['staff', 'newsroom'] as const) {
      for (const path of PAGES) {
        for (const url of [path, `${path}?format=csv`]) {
          const res = await request(t.app).get(url).set('Cookie', cookies[role]);
          expect({ role, url, status: res.status }).toEqual({ role, url, status: 403 });
        }
      }
    }
    expect(await t.db('audit_log').where({ action: 'report.exported' }).pluck('id')).toEqual([]);
  });

  it('gives admin and finance a reports index and sub-navigation; staff and the newsroom go straight to revenue by story', async () => {
    for (const role of STAFF_ROLES) {
      const index = await request(t.app).get('/admin/reports').set('Cookie', cookies[role]);
      const stories = await request(t.app).get('/admin/reports/stories').set('Cookie', cookies[role]);
      const subNav = /<nav class="report-nav" aria-label="Reports">([\s\S]*?)<\/nav>/.exec(stories.text)?.[1] ?? '';
      const links = [...subNav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
      if (role === 'admin' || role === 'finance') {
        expect(index.status).toBe(200);
        expect([...index.text.matchAll(/<li><a href="([^"]+)">/g)].map((m) => m[1])).toEqual([...PAGES, '/admin/reports/stories', '/admin/reports/campaigns']);
        expect(links).toEqual([...PAGES, '/admin/reports/stories', '/admin/reports/campaigns']);
      } else {
        expect({ role, status: index.status, location: index.headers.location }).toEqual({ role, status: 303, location: '/admin/reports/stories' });
        expect({ role, links }).toEqual({ role, links: [] });
      }
    }
  });
});
