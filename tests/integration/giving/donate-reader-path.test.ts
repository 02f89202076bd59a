import request from 'supertest';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { buildDonation, buildMembership } from '../../support/factories';
import { stubCheckoutSessionCreate, type StripeCapture } from '../../support/stripe-stubs';

const HOUR = 60 * 60 * 1000;

describe('coming back from Checkout without paying', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  /** POST /donate as the form sends it; answers the cancel_url Stripe was given, as a path on our site. */
  async function startCheckout(form: Record<string, string>): Promise<{ cancelUrl: string; cancelPath: string; cookie: string }> {
    const capture: StripeCapture = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app).post('/donate').type('form').send(form);
    expect(res.status).toBe(303);
    const cancelUrl = capture.body!.cancel_url!;
    expect(cancelUrl.startsWith(`${TEST_BASE_URL}/donate?`)).toBe(true);
    const setCookie = res.headers['set-cookie'] as unknown as string[];
    expect(setCookie[0]).toMatch(/^sustain_resume=[0-9a-f-]{36}; Max-Age=86400; Path=\/donate; Expires=.*; HttpOnly; SameSite=Lax$/);
    return { cancelUrl, cancelPath: cancelUrl.slice(TEST_BASE_URL.length), cookie: setCookie[0]!.split(';')[0]! };
  }

  /** The browser that started attempt `id` comes back from Checkout's cancel link. */
  const comeBack = (query: Record<string, string>, id = query.resume) =>
    request(t.app).get('/donate').query(query).set('Cookie', `sustain_resume=${id}`);

  const typed = {
    email: 'ada@example.com',
    anonymous: 'on',
    tribute_name: 'Grace Hopper',
    comment: 'For the schools coverage',
  };

  it('refills the email, dedication, note and anonymity of a one-time gift, none of which is in the cancel URL', async () => {
    const { cancelUrl, cancelPath, cookie } = await startCheckout({ amount: '50', frequency: 'once', cover_fees: 'on', ...typed });
    const donation = await t.db('donations').first();
    expect(new URL(cancelUrl).searchParams.get('resume')).toBe(donation.id);
    for (const personal of ['ada@', 'ada%40', 'example.com', 'Grace', 'Hopper', 'schools', 'anonymous']) expect(cancelUrl).not.toContain(personal);

    const res = await request(t.app).get(cancelPath).set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.text).toContain('you were not charged');
    expect(res.text).toContain('id="email" value="ada@example.com"');
    expect(res.text).toContain('id="tribute_name" value="Grace Hopper"');
    expect(res.text).toContain('>For the schools coverage</textarea>');
    expect(res.text).toMatch(/id="anonymous" value="on" checked/);
    expect(res.text).toMatch(/<details class="extras" open>/);
    // What the URL carries is still chosen.
    expect(res.text).toMatch(/id="amount-50" value="50" checked/);
    expect(res.text).toMatch(/id="cover_fees" value="on" checked/);
  });

  it('refills nothing in another browser holding the same cancel link (shared, or read from a log)', async () => {
    const { cancelPath } = await startCheckout({ amount: '50', ...typed });
    const res = await request(t.app).get(cancelPath);
    expect(res.status).toBe(200);
    expect(res.text).toContain('you were not charged');
    expect(res.text).toContain('id="email" value=""');
    expect(res.text).not.toContain('Grace Hopper');
  });

  it('refills the email of a membership attempt too', async () => {
    const { cancelUrl, cancelPath, cookie } = await startCheckout({ amount: '15', frequency: 'monthly', email: 'member@example.com' });
    const membership = await t.db('memberships').first();
    expect(new URL(cancelUrl).searchParams.get('resume')).toBe(membership.id);
    expect(cancelUrl).not.toContain('member');

    const res = await request(t.app).get(cancelPath).set('Cookie', cookie);
    expect(res.text).toContain('id="email" value="member@example.com"');
    expect(res.text).toMatch(/id="frequency-monthly" value="monthly" checked/);
  });

  it('refills nothing but what was typed: no email typed, none shown', async () => {
    const { cancelPath, cookie } = await startCheckout({ amount: '25' });
    const res = await request(t.app).get(cancelPath).set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="email" value=""');
    expect(res.text).not.toMatch(/id="anonymous" value="on" checked/);
  });

  describe('ignores a resume id it should not honour, and still opens the form', () => {
    async function expectNotRefilled(query: Record<string, string>, cookieId?: string) {
      const res = await comeBack(query, cookieId);
      expect(res.status).toBe(200);
      expect(res.text).toContain('id="email" value=""');
      expect(res.text).not.toContain('ada@example.com');
      expect(res.text).not.toContain('Grace Hopper');
    }

    it.each([
      ['not an id', 'ada@example.com'],
      ['an id of nothing we hold', '00000000-0000-4000-8000-000000000000'],
    ])('%s', async (_label, resume) => {
      await buildDonation(t.db, typed);
      await expectNotRefilled({ canceled: '1', resume });
    });

    it('a paid donation', async () => {
      const paid = await buildDonation(t.db, { ...typed, status: 'succeeded', amount_paid: 2500, paid_at: new Date() });
      await expectNotRefilled({ canceled: '1', resume: paid.id });
    });

    it('a donation whose payment is in flight (a bank debit)', async () => {
      const processing = await buildDonation(t.db, { ...typed, processing_at: new Date() });
      await expectNotRefilled({ canceled: '1', resume: processing.id });
    });

    it('an attempt more than 24 hours old', async () => {
      const old = await buildDonation(t.db, { ...typed, status: 'abandoned', created_at: new Date(Date.now() - 25 * HOUR) });
      await expectNotRefilled({ canceled: '1', resume: old.id });
    });

    it('a membership that started', async () => {
      const started = await buildMembership(t.db, { ...typed, status: 'active', stripe_subscription_id: 'sub_resume' });
      await expectNotRefilled({ canceled: '1', resume: started.id });
    });

    it('a link that is not a way back from Checkout', async () => {
      const pending = await buildDonation(t.db, typed);
      await expectNotRefilled({ resume: pending.id }, pending.id);
    });
  });

  it('refills an abandoned or failed attempt from the last day', async () => {
    const abandoned = await buildDonation(t.db, { ...typed, status: 'abandoned', created_at: new Date(Date.now() - 23 * HOUR) });
    const res = await comeBack({ canceled: '1', resume: abandoned.id });
    expect(res.text).toContain('id="email" value="ada@example.com"');
    const failed = await buildMembership(t.db, { email: 'member@example.com', status: 'failed' });
    const again = await comeBack({ canceled: '1', resume: failed.id });
    expect(again.text).toContain('id="email" value="member@example.com"');
  });
});
