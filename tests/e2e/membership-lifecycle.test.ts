import knexFactory, { type Knex } from 'knex';
import { postForm, startApp, until, type RunningApp } from './run-app';

/**
 * A member's life on `npm start`'s embedded defaults, everything through HTTP:
 * the donate form, the emulator's hosted checkout and billing portal, the
 * emulator's clock for renewals, and the donor account. After every step the
 * account page and the database say the same thing.
 */
describe('a membership from signup to cancellation', () => {
  let app: RunningApp;
  let db: Knex;
  let cookie = '';

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
  }, 90_000);
  afterAll(async () => {
    await db?.destroy();
    expect(await app?.stop()).toBe(0);
  });

  const post = (url: string, fields: Record<string, string> = {}, withCookie = false) =>
    postForm(url, fields, withCookie ? { cookie } : {});
  async function accountPage(): Promise<string> {
    const res = await fetch(`${app.baseUrl}/account`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.text();
  }
  const membership = () => db('memberships').whereNotNull('stripe_subscription_id').first();
  const paidDonations = () => db('donations').whereNotNull('membership_id').whereNotNull('paid_at').orderBy('paid_at');
  const advance = async (days: number) => {
    const res = await post(`${app.emulatorUrl}/_emulator/advance`, { days: String(days) });
    expect(res.status).toBe(200);
    return res.json();
  };
  const card = (number: string) => ({ card_number: number, card_expiry: '12 / 34', card_cvc: '123' });
  async function replaceCardInPortal(number: string) {
    const row = await membership();
    const toPortal = await post(`${app.baseUrl}/account/memberships/${row.id}/billing`, {}, true);
    expect(toPortal.status).toBe(303);
    const portal = toPortal.headers.get('location')!;
    expect((await fetch(portal)).status).toBe(200);
    const saved = await post(`${portal}/payment-method`, card(number));
    expect(saved.status).toBe(303);
  }

  it('becomes a member through Checkout', async () => {
    const start = await post(`${app.baseUrl}/donate`, { amount: '10', frequency: 'monthly', email: 'member@example.com' });
    expect(start.status).toBe(303);
    const checkout = start.headers.get('location')!;
    const paid = await post(`${checkout}/pay`, {
      email: 'member@example.com',
      cardholder_name: 'Grace Member',
      postal_code: '10001',
      ...card('4242 4242 4242 4242'),
    });
    expect(paid.status).toBe(303);
    const thanks = await (await fetch(paid.headers.get('location')!)).text();
    expect(thanks).toContain("You're now a monthly member");

    const row = await until(membership, (m) => m?.status === 'active', 'an active membership');
    expect(row).toMatchObject({ amount: 1000, interval: 'month' });
    const donations = await until(paidDonations, (d) => d.length === 1, 'the first payment');
    expect(donations[0]).toMatchObject({ status: 'succeeded', amount_paid: 1000, frequency: 'monthly', card_last4: '4242' });
  });

  it('signs in to the account with the emailed link and sees the membership', async () => {
    expect((await post(`${app.baseUrl}/account/sign-in`, { email: 'member@example.com' })).status).toBe(200);
    const mail = await until(
      () => db('dev_mailbox').where({ to_address: 'member@example.com' }).where('subject', 'like', 'Your sign-in link%').first(),
      (m) => m !== undefined,
      'the sign-in email',
    );
    const token = /token=([^\s]+)/.exec(mail.text)![1]!;
    const confirmed = await post(`${app.baseUrl}/account/verify`, { token });
    expect(confirmed.status).toBe(303);
    cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
    const page = await accountPage();
    expect(page).toContain('Membership: $10.00 a month');
    expect(page).toContain('Status: <strong>Active</strong>');
    const welcome = await db('dev_mailbox').where({ to_address: 'member@example.com' }).where('subject', 'like', 'Welcome%').first();
    expect(welcome).toBeDefined();
  });

  it('renews when a month passes, with a receipt', async () => {
    await advance(31);
    const donations = await until(paidDonations, (d) => d.length === 2, 'the renewal');
    expect(donations[1]).toMatchObject({ status: 'succeeded', amount_paid: 1000 });
    const receipt = await until(
      () => db('receipts').where({ donation_id: donations[1].id }).first(),
      (r) => r !== undefined,
      'the renewal receipt',
    );
    expect(await accountPage()).toContain(`No. ${receipt.number}`);
  });

  it('marks the membership past due when a renewal fails, and recovers when the card is replaced', async () => {
    await replaceCardInPortal('4000 0000 0000 0341');
    await advance(31);
    await until(membership, (m) => m.status === 'past_due', 'past due');
    expect(await paidDonations()).toHaveLength(2);
    expect(await accountPage()).toContain('Payment failed');
    await until(
      () => db('dev_mailbox').where({ to_address: 'member@example.com' }).where('subject', 'like', '%didn%t go through').first(),
      (m) => m !== undefined,
      'the failed-payment email',
    );

    await replaceCardInPortal('4242 4242 4242 4242');
    await until(membership, (m) => m.status === 'active', 'active again');
    const donations = await until(paidDonations, (d) => d.length === 3, 'the recovered payment');
    expect(donations[2]).toMatchObject({ status: 'succeeded', amount_paid: 1000 });
    expect(await accountPage()).toContain('Status: <strong>Active</strong>');
  });

  it('changes the amount from the next renewal', async () => {
    const row = await membership();
    const changed = await post(`${app.baseUrl}/account/memberships/${row.id}/amount`, { amount: '25' }, true);
    expect(changed.status).toBe(303);
    await until(membership, (m) => m.amount === 2500, 'the new amount');
    expect(await accountPage()).toContain('Membership: $25.00 a month');
    await advance(31);
    const donations = await until(paidDonations, (d) => d.length === 4, 'a renewal at the new amount');
    expect(donations[3]).toMatchObject({ amount_paid: 2500 });
  });

  it('cancels at the end of the period, and ends then', async () => {
    const row = await membership();
    const canceled = await post(`${app.baseUrl}/account/memberships/${row.id}/cancel`, { feedback: 'too_expensive' }, true);
    expect(canceled.status).toBe(303);
    await until(membership, (m) => m.cancel_at_period_end === true, 'the scheduled cancellation');
    expect(await accountPage()).toContain('Keep my membership');

    await advance(31);
    const ended = await until(membership, (m) => m.status === 'canceled', 'the end');
    expect(ended.cancellation_feedback).toBe('too_expensive');
    expect(await paidDonations()).toHaveLength(4);
    expect(await accountPage()).toContain('Status: <strong>Ended</strong>');
  });
});
