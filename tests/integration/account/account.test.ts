import request from 'supertest';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pdfText, pendingDonation } from '../receipts/support';
import { emailedLink as emailedLinkOf, signedInCookie as signInAs } from './support';

// 2026-11-18T20:15:00Z
const PAID = 1_795_032_900;

describe('/account: the donor’s own giving, behind an emailed sign-in link', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  let n = 0;
  async function paidGift(email = 'reader@example.com', amount = 2500) {
    n += 1;
    const donation = await pendingDonation(t, { amount });
    await deliver(t, 'charge.succeeded', cardCharge({ id: `ch_acct_${n}`, donationId: donation.id, amount, payment_intent: `pi_acct_${n}` }));
    await deliver(
      t,
      'checkout.session.completed',
      checkoutSession({
        id: donation.sessionId,
        donationId: donation.id,
        amount_total: amount,
        payment_intent: `pi_acct_${n}`,
        customer: `cus_${email}`,
        customer_details: { ...checkoutSession().customer_details!, email },
      }),
      { created: PAID },
    );
    return donation;
  }

  const signIn = (email: string) => request(t.app).post('/account/sign-in').type('form').send({ email });

  const emailedLink = () => emailedLinkOf(t);
  const signedInCookie = (email = 'reader@example.com') => signInAs(t, email);

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    await paidGift();
    const unknown = await signIn('stranger@example.com');
    const known = await signIn('Reader@Example.com');
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(unknown.text).toBe(known.text);
    const outbox = await t.db('email_outbox').where({ template: 'sign-in-link' });
    expect(outbox.map((o) => o.recipient)).toEqual(['reader@example.com']);
  });

  it('stores only a hash of the link’s secret, and the outbox row holds no secret either', async () => {
    await paidGift();
    await signIn('reader@example.com');
    const link = await emailedLink();
    const secret = link.split('.').pop()!;
    const stored = JSON.stringify(await t.db('login_tokens')) + JSON.stringify(await t.db('email_outbox'));
    expect(stored).not.toContain(secret);
  });

  it('signs in after the donor confirms, and the link works once', async () => {
    await paidGift();
    await signIn('reader@example.com');
    const link = await emailedLink();
    const page = await request(t.app).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Continue to my giving');
    // Opening the link (as a mail scanner would) does not use it up.
    expect(await t.db('login_tokens').whereNotNull('used_at')).toHaveLength(0);

    const token = new URL(link, TEST_BASE_URL).searchParams.get('token')!;
    const first = await request(t.app).post('/account/verify').type('form').send({ token });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/account');
    expect(first.headers['set-cookie']![0]).toMatch(/^sustain_account=[^;]+; Path=\/account; Expires=.*; HttpOnly; SameSite=Lax$/);

    const again = await request(t.app).post('/account/verify').type('form').send({ token });
    expect(again.status).toBe(410);
    expect(again.text).toContain('already used');
  });

  it('lets exactly one of two simultaneous clicks sign in', async () => {
    await paidGift();
    await signIn('reader@example.com');
    const token = new URL(await emailedLink(), TEST_BASE_URL).searchParams.get('token')!;
    const results = await Promise.all([1, 2].map(() => request(t.app).post('/account/verify').type('form').send({ token })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 410]);
    expect(await t.db('sessions')).toHaveLength(1);
  });

  it('refuses an expired link and a tampered one', async () => {
    await paidGift();
    await signIn('reader@example.com');
    const token = new URL(await emailedLink(), TEST_BASE_URL).searchParams.get('token')!;
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await request(t.app).post('/account/verify').type('form').send({ token: tampered })).status).toBe(400);
    expect((await request(t.app).get('/account/verify').query({ token: 'nonsense' })).status).toBe(400);
    await t.db('login_tokens').update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await request(t.app).post('/account/verify').type('form').send({ token });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');
  });

  it('sends at most 3 links a quarter hour to one donor, answering every request the same', async () => {
    await paidGift();
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push((await signIn('reader@example.com')).text);
    expect(new Set(answers).size).toBe(1);
    expect(await t.db('login_tokens')).toHaveLength(3);
  });

  it('answers 429 after too many requests from one network address', async () => {
    for (let i = 0; i < 10; i += 1) expect((await signIn(`person${i}@example.com`)).status).toBe(200);
    const res = await signIn('person10@example.com');
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many sign-in requests');
    // Counted under a hash: the address itself is personal data.
    expect(JSON.stringify(await t.db('rate_limits'))).not.toMatch(/127\.0\.0\.1|::1/);
    // A new window starts afresh.
    await t.db('rate_limits').update({ window_start: new Date(Date.now() - 16 * 60 * 1000) });
    expect((await signIn('person11@example.com')).status).toBe(200);
  });

  it('answers 422 for an address that is not an email', async () => {
    const res = await signIn('not an email');
    expect(res.status).toBe(422);
    expect(res.text).toContain('like name@example.com');
  });

  it('shows the gifts with their receipts, and serves the donor’s own receipt and statement as PDFs', async () => {
    await paidGift('reader@example.com', 2500);
    await paidGift('reader@example.com', 5000);
    await paidGift('other@example.com', 1000);
    const cookie = await signedInCookie();
    const page = await request(t.app).get('/account').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('reader@example.com');
    expect(page.text).toContain('$25.00');
    expect(page.text).toContain('$50.00');
    expect(page.text).not.toContain('$10.00');
    expect(page.text).toContain('href="/account/receipts/2026-000001.pdf"');
    expect(page.text).toContain('href="/account/statements/2026.pdf"');

    const receipt = await request(t.app).get('/account/receipts/2026-000002.pdf').set('Cookie', cookie).buffer(true);
    expect(receipt.status).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(pdfText(Buffer.from(receipt.body))).toContain('2026-000002');

    // Another donor's receipt does not exist as far as this donor can tell.
    expect((await request(t.app).get('/account/receipts/2026-000003.pdf').set('Cookie', cookie)).status).toBe(404);

    const statement = await request(t.app).get('/account/statements/2026.pdf').set('Cookie', cookie).buffer(true);
    expect(statement.status).toBe(200);
    expect(pdfText(Buffer.from(statement.body))).toContain('$75.00');
    expect((await request(t.app).get('/account/statements/2019.pdf').set('Cookie', cookie)).status).toBe(404);
  });

  it('sends a signed-out visitor to the sign-in form instead of a document', async () => {
    await paidGift();
    const res = await request(t.app).get('/account/receipts/2026-000001.pdf');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account');
  });

  it('signs out: the session is gone and the cookie cleared', async () => {
    await paidGift();
    const cookie = await signedInCookie();
    const res = await request(t.app).post('/account/sign-out').set('Cookie', cookie);
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']![0]).toMatch(/^sustain_account=;/);
    expect(await t.db('sessions')).toHaveLength(0);
    const page = await request(t.app).get('/account').set('Cookie', cookie);
    expect(page.text).toContain('Email me a sign-in link');
  });
});
