import knexFactory, { type Knex } from 'knex';
import { postForm, startApp, type RunningApp } from './run-app';

/**
 * A reader's first donation, end to end, on `npm start`'s embedded defaults:
 * the donate form, Stripe Checkout (the emulator's hosted page), the signed
 * webhook, the thank-you page, and the rows in the database.
 */
describe('a first donation on a fresh install', () => {
  let app: RunningApp;
  let db: Knex;

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
  }, 90_000);

  afterAll(async () => {
    await db?.destroy();
    expect(await app?.stop()).toBe(0);
  });

  const post = (url: string, fields: Record<string, string>) => postForm(url, fields);

  async function startCheckout(amount: string, email: string): Promise<string> {
    const res = await post(`${app.baseUrl}/donate`, {
      amount,
      frequency: 'once',
      email,
      article_url: 'https://news.example.org/story',
      campaign: 'e2e',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`http://localhost:${new URL(app.emulatorUrl).port}/checkout/cs_test_`)).toBe(true);
    return location;
  }

  const card = (number: string) => ({
    email: 'reader@example.com',
    cardholder_name: 'Ada Reader',
    card_number: number,
    card_expiry: '12 / 34',
    card_cvc: '123',
    postal_code: '10001',
  });

  it('serves the donate page', async () => {
    const res = await fetch(`${app.baseUrl}/donate`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Support our non-profit journalism');
  });

  it('gives $25 with 4242 4242 4242 4242, lands on the thank-you page, and records donor and donation', async () => {
    const checkoutUrl = await startCheckout('25', 'reader@example.com');
    const page = await fetch(checkoutUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/TEST MODE/);

    const pay = await post(`${checkoutUrl}/pay`, card('4242 4242 4242 4242'));
    expect(pay.status).toBe(303);
    const thanksUrl = pay.headers.get('location')!;
    const sessionId = checkoutUrl.split('/').pop()!;
    expect(thanksUrl).toBe(`${app.baseUrl}/donate/thanks?session_id=${sessionId}`);

    const thanks = await fetch(thanksUrl);
    expect(thanks.status).toBe(200);
    const html = await thanks.text();
    expect(html).toContain('Thank you!');
    expect(html).toContain('$25.00');

    const donation = await db('donations').where({ stripe_checkout_session_id: sessionId }).first();
    expect(donation).toMatchObject({
      status: 'succeeded',
      amount: 2500,
      amount_paid: 2500,
      currency: 'usd',
      campaign: 'e2e',
      article_url: 'https://news.example.org/story',
      stripe_payment_intent_id: expect.stringMatching(/^pi_/),
    });
    const donor = await db('donors').where({ id: donation.donor_id }).first();
    expect(donor).toMatchObject({ email: 'reader@example.com', name: 'Ada Reader', stripe_customer_id: expect.stringMatching(/^cus_/) });
    const events = await db('stripe_events').where({ type: 'checkout.session.completed' }).whereNotNull('processed_at');
    expect(events).toHaveLength(1);

    // The receipt reaches the local mailbox through the outbox worker running inside `npm start`.
    const receipt = await db('receipts').where({ donation_id: donation.id }).first();
    expect(receipt.number).toMatch(/^\d{4}-000001$/);
    let mail: { subject: string; to_address: string; attachments: { filename: string }[] } | undefined;
    for (let i = 0; i < 100 && !mail; i += 1) {
      mail = await db('dev_mailbox').where({ to_address: 'reader@example.com' }).first();
      if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mail?.subject).toBe(`Your receipt from Our Newsroom (No. ${receipt.number})`);
    expect(mail?.attachments.map((a) => a.filename)).toEqual([`receipt-${receipt.number}.pdf`]);
    // The card details came from the emulator's charge.succeeded event.
    expect(await db('donations').where({ id: donation.id }).first()).toMatchObject({ card_brand: 'visa', card_last4: '4242' });
    const mailbox = await fetch(`${app.baseUrl}/dev/mailbox`);
    expect(await mailbox.text()).toContain(`No. ${receipt.number}`);
  });

  it('keeps the donor on the checkout page when the card is declined, and records no payment', async () => {
    const checkoutUrl = await startCheckout('10', 'declined@example.com');
    const pay = await post(`${checkoutUrl}/pay`, card('4000 0000 0000 0002'));
    expect(pay.status).toBe(402);
    expect(await pay.text()).toContain('Your card was declined.');
    const sessionId = checkoutUrl.split('/').pop()!;
    const donation = await db('donations').where({ stripe_checkout_session_id: sessionId }).first();
    expect(donation).toMatchObject({ status: 'pending', donor_id: null, amount_paid: null });
  });
});
