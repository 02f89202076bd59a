import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonation, buildDonor, buildMembership } from '../../support/factories';
import { DAY_MS, daysAgo, download, exportAudit, ZONE } from './export-support';
import { signedInStaff } from './support';

const dateIn = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

describe('GET /admin/exports/memberships.csv', () => {
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

  const at = (days: number) => new Date(Date.now() + days * DAY_MS);
  const period = `from=${daysAgo(29)}&to=${daysAgo(0)}`;

  async function seedMemberships() {
    const ada = await buildDonor(t.db, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const member = (status: string, created: number, extra: Record<string, unknown> = {}) =>
      buildMembership(t.db, { donor_id: ada.id, status, created_at: at(-created), current_period_end: at(20), stripe_subscription_id: `sub_${status}_${created}`, ...extra });
    const active = await member('active', 65, { amount: 1000, interval: 'month' });
    for (const [days, status, refunded] of [[62, 'succeeded', 0], [32, 'succeeded', 0], [2, 'refunded', 1000]] as const) {
      await buildDonation(t.db, {
        donor_id: ada.id, membership_id: active.id, frequency: 'monthly', status, amount: 1000, amount_paid: 1000, amount_refunded: refunded, paid_at: at(-days),
      });
    }
    const arrears = await member('past_due', 200, { amount: 12_000, interval: 'year', current_period_end: at(5) });
    const cancelling = await member('active', 100, { amount: 500, cancel_at_period_end: true, current_period_end: at(10) });
    const ended = await member('canceled', 300, {
      amount: 2500, ended_at: at(-20), canceled_at: at(-20), cancellation_reason: 'cancellation_requested', cancellation_feedback: 'too_expensive',
      cancellation_comment: '=too much, "sorry"',
    });
    await member('canceled', 400, { ended_at: at(-60) }); // ended before the period
    await member('pending', 1); // a Checkout never finished
    return { ada, active, arrears, cancelling, ended };
  }

  it('lists each membership that ran in the period: status, money, start, next payment or end, cancellation, payments', async () => {
    const { ada, active, arrears, cancelling, ended } = await seedMemberships();
    const file = await download(t, cookie, `/admin/exports/memberships.csv?${period}`);
    expect(file.status).toBe(200);
    expect(file.columns).toEqual([
      'membership_id', 'donor_id', 'donor_name', 'donor_email', 'status', 'currency', 'amount', 'interval', 'started', 'next_payment', 'ends',
      'cancellation_reason', 'cancellation_feedback', 'cancellation_comment', 'payments_made', 'lifetime', 'stripe_subscription_id',
    ]);
    // Oldest first, by when each began.
    expect(file.rows.map((r) => r.membership_id)).toEqual([ended.id, arrears.id, cancelling.id, active.id]);
    const byId = Object.fromEntries(file.rows.map((r) => [r.membership_id, r]));
    expect(byId[active.id]).toEqual({
      membership_id: active.id,
      donor_id: ada.id,
      donor_name: 'Ada Lovelace',
      donor_email: 'ada@example.com',
      status: 'active',
      currency: 'USD',
      amount: '10.00',
      interval: 'month',
      // Began with its first payment, not when Checkout opened.
      started: dateIn(at(-62)),
      next_payment: dateIn(at(20)),
      ends: '',
      cancellation_reason: '',
      cancellation_feedback: '',
      cancellation_comment: '',
      // The refunded renewal was not kept.
      payments_made: '2',
      lifetime: '20.00',
      stripe_subscription_id: active.stripe_subscription_id,
    });
    // In arrears: no next payment is promised until the card is fixed.
    expect(byId[arrears.id]).toMatchObject({ status: 'past_due', amount: '120.00', interval: 'year', next_payment: '', ends: '', payments_made: '0', lifetime: '0.00' });
    expect(byId[cancelling.id]).toMatchObject({ status: 'active', next_payment: '', ends: dateIn(at(10)) });
    expect(byId[ended.id]).toMatchObject({
      status: 'canceled',
      next_payment: '',
      ends: dateIn(at(-20)),
      cancellation_reason: 'cancellation_requested',
      cancellation_feedback: 'too_expensive',
      cancellation_comment: '\'=too much, "sorry"',
    });
  });

  it('filters by status and records the download', async () => {
    const { arrears } = await seedMemberships();
    const file = await download(t, cookie, `/admin/exports/memberships.csv?${period}&status=past_due`);
    expect(file.rows.map((r) => r.membership_id)).toEqual([arrears.id]);
    expect(await exportAudit(t)).toMatchObject([{ action: 'export.downloaded', subject_id: 'memberships.csv', detail: { rows: 1, filters: { status: 'past_due' } } }]);
  });

  it('answers 400 naming the status for a status staff never see listed', async () => {
    const res = await request(t.app).get('/admin/exports/memberships.csv?status=abandoned').set('Cookie', cookie).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('status:');
  });
});
