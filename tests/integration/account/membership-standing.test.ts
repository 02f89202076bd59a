import request from 'supertest';
import type { OutboxRow } from '../../../src/mail/outbox-queries';
import { outboxRenderer } from '../../../src/mail/templates';
import { formatDateInTimeZone } from '../../../src/receipts/receipt-view';
import { defaultSettings, readSettings } from '../../../src/settings/settings';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { buildMembership, buildPaidDonation } from '../../support/factories';
import { invoiceObject, subscriptionObject, subscriptionSession, type MembershipIds } from '../../support/membership-fixtures';
import { deliver } from '../receipts/support';
import { signedInCookie } from './support';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const STARTED = NOW - 40 * DAY;
const FAILED = NOW - 2 * DAY;
const dateOf = (seconds: number) => formatDateInTimeZone(new Date(seconds * 1000), defaultSettings().organization.timezone);

describe('/account: what a member is told about their payments and their level', () => {
  let t: TestApp;
  let ids: MembershipIds;
  let cookie: string;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const row = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_standing' });
    ids = { membershipId: row.id, subscriptionId: 'sub_standing', customerId: 'cus_standing', sessionId: 'cs_standing' };
    await deliver(t, 'checkout.session.completed', subscriptionSession(ids), { created: STARTED });
    await deliver(t, 'customer.subscription.created', subscriptionObject(ids, { amount: 1500, periodStart: STARTED }), { created: STARTED });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_standing_1', amount: 1500, paidAt: STARTED }), { created: STARTED });
    cookie = await signedInCookie(t, 'member@example.com');
  });
  afterAll(() => t.close());

  const account = async () => (await request(t.app).get('/account').set('Cookie', cookie)).text;

  /** The renewal fails: Stripe marks the subscription past due and reports the failed invoice. */
  async function renewalFails(at = FAILED) {
    const renewal = STARTED + 30 * DAY;
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'past_due', amount: 1500, periodStart: renewal }), { created: at });
    await deliver(t, 'invoice.payment_failed', invoiceObject(ids, { id: 'in_standing_2', status: 'open', amount: 1500, paidAt: renewal }), { created: at });
  }

  it('names the next payment date of a member in good standing', async () => {
    expect(await account()).toContain(`Next payment on <strong>${dateOf(STARTED + 30 * DAY)}</strong>`);
  });

  it('says a $15-a-month member’s level comes from their membership, not from money they gave', async () => {
    const donor = await t.db('donors').where({ email: 'member@example.com' }).first('id');
    await buildPaidDonation(t.db, { donor_id: donor.id, amount: 1000, paid_at: new Date((NOW - 3 * DAY) * 1000) });
    const page = await account();
    expect(page).toContain('Membership: $15.00 a month');
    expect(page).toContain('Your level: <strong>Sustainer</strong> <span class="muted">(your membership: $180.00 a year)</span>');
  });

  it('tells a member whose renewal failed when it failed, that it is being retried and that they can update their card, with no next payment date', async () => {
    await renewalFails();
    const page = await account();
    expect(page).toContain('Status: <strong>Payment failed</strong>');
    expect(page).toMatch(new RegExp(`role="alert" data-failed-payment><p>Your payment on <strong>${dateOf(FAILED)}</strong> didn't go through\\.\\s+We're retrying it automatically: update your card below`));
    expect(page).toContain('Update card or billing details');
    expect(page).not.toContain('Next payment on');
  });

  it('keeps the date of the failure when a later change re-states the past-due status', async () => {
    await renewalFails();
    // The member changes their amount while past due: Stripe sends the subscription again, still past due.
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'past_due', amount: 2000, periodStart: STARTED + 30 * DAY }), { created: NOW - DAY });
    expect(await account()).toContain(`Your payment on <strong>${dateOf(FAILED)}</strong> didn't go through`);
  });

  it('says the retries are over once Stripe marks the membership unpaid', async () => {
    await renewalFails();
    await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'unpaid', amount: 1500, periodStart: STARTED + 30 * DAY }), { created: NOW - DAY });
    const page = await account();
    expect(page).toContain("We've stopped retrying it: update your card below to keep your membership going.");
    expect(page).not.toContain('Next payment on');
  });

  it('writes no next payment date into a welcome email still waiting to be sent when the renewal fails', async () => {
    const welcome = (await t.db('email_outbox').where({ template: 'member-welcome' }).first()) as OutboxRow;
    const render = outboxRenderer(t.db, async () => ({ settings: await readSettings(t.db), baseUrl: TEST_BASE_URL, linkKey: t.config.sessionSecret }));
    expect((await render(welcome)).text).toContain(`Your next payment is on ${dateOf(STARTED + 30 * DAY)}.`);
    await renewalFails();
    const after = await render(welcome);
    expect(after.text).toContain("You'll get a receipt for every payment.");
    expect(after.text).not.toContain('next payment');
    expect(after.html).not.toContain('next payment');
  });
});
