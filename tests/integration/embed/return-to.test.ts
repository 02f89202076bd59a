import request from 'supertest';
import { bootTestApp, NEWSROOM_ORIGIN, type TestApp } from '../../support/app';
import { stubCheckoutSessionCreate } from '../../support/stripe-stubs';

const ARTICLE = `${NEWSROOM_ORIGIN}/2026/11/schools`;
const THANKS_PAGE = 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}';

async function donate(t: TestApp, form: Record<string, string>) {
  const capture: { body?: Record<string, string> } = {};
  stubCheckoutSessionCreate(capture);
  const res = await request(t.app).post('/donate').type('form').send({ amount: '25', ...form });
  expect(res.status).toBe(303);
  const donation = form.frequency && form.frequency !== 'once' ? await t.db('memberships').first() : await t.db('donations').first();
  return { successUrl: capture.body!.success_url, cancelUrl: capture.body!.cancel_url!, returnTo: donation.return_to as string | null };
}

describe('return_to: where a donor may be sent back to', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('sends a reader who gave from the footer box straight back to the article, marked for the thank-you banner', async () => {
    const gift = await donate(t, { embed: '1', return_to: `${ARTICLE}?ref=home#comments` });
    expect(gift.successUrl).toBe(`${ARTICLE}?ref=home#sustain-thanks=once`);
    expect(gift.returnTo).toBe(`${ARTICLE}?ref=home#comments`);
  });

  it('marks a new member’s return with their frequency, so the banner welcomes a member', async () => {
    const gift = await donate(t, { embed: '1', frequency: 'monthly', return_to: ARTICLE });
    expect(gift.successUrl).toBe(`${ARTICLE}#sustain-thanks=monthly`);
  });

  it('keeps our thank-you page (with its link back) for a gift from the donate page', async () => {
    const gift = await donate(t, { return_to: ARTICLE });
    expect(gift.successUrl).toBe(THANKS_PAGE);
    expect(gift.returnTo).toBe(ARTICLE);
  });

  it.each([
    ['another site', 'https://evil.example.com/phish'],
    ['a look-alike host', 'https://news.example.org.evil.example.com/'],
    ['credentials before a foreign host', 'https://news.example.org@evil.example.com/'],
    ['the allowed host on another scheme', 'ftp://news.example.org/'],
    ['a script URL', 'javascript:alert(document.cookie)'],
    ['a protocol-relative URL', '//evil.example.com/'],
    ['the allowed host on another port', 'https://news.example.org:8443/'],
  ])('never sends anyone to %s: the gift goes ahead, without the return', async (_label, returnTo) => {
    const gift = await donate(t, { embed: '1', return_to: returnTo });
    expect(gift.successUrl).toBe(THANKS_PAGE);
    expect(gift.returnTo).toBeNull();
    expect(gift.cancelUrl).not.toContain('evil');
  });

  it('accepts a local site (any loopback port) outside production, so a developer needs no configuration', async () => {
    const gift = await donate(t, { embed: '1', return_to: 'http://localhost:8080/2026/11/schools' });
    expect(gift.successUrl).toBe('http://localhost:8080/2026/11/schools#sustain-thanks=once');
    const ip = await donate(t, { embed: '1', return_to: 'http://127.0.0.1:4000/story' });
    expect(ip.successUrl).toBe('http://127.0.0.1:4000/story#sustain-thanks=once');
  });
});

describe('return_to in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail.example.org:587',
      SESSION_SECRET: 'a-production-session-secret-of-at-least-32-chars',
    });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('refuses loopback sites', async () => {
    const gift = await donate(t, { embed: '1', return_to: 'http://localhost:8080/story' });
    expect(gift.successUrl).toBe(THANKS_PAGE);
    expect(gift.returnTo).toBeNull();
  });

  it('accepts the configured newsroom', async () => {
    const gift = await donate(t, { embed: '1', return_to: ARTICLE });
    expect(gift.successUrl).toBe(`${ARTICLE}#sustain-thanks=once`);
  });
});

describe('what a newsletter link says about its reader stays out of our records and Stripe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('drops the subscriber’s email and ids from the article URL, the referrer and the way back, keeping the rest', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({
        amount: '25',
        embed: '1',
        article_url: `${ARTICLE}?email=ada%40example.com&page=2`,
        referrer: 'https://mail.example.net/read?mc_eid=abc123&utm_source=digest',
        return_to: `${ARTICLE}?e=ada%40example.com&ref=home`,
        campaign: 'Spring-Drive',
      });
    expect(res.status).toBe(303);
    const donation = await t.db('donations').first();
    expect(donation).toMatchObject({
      article_url: `${ARTICLE}?page=2`,
      referrer: 'https://mail.example.net/read?utm_source=digest',
      return_to: `${ARTICLE}?ref=home`,
      campaign: 'spring-drive',
    });
    expect(JSON.stringify(capture.body)).not.toMatch(/ada@|ada%40|mc_eid|abc123/);
    expect(capture.body!.success_url).toBe(`${ARTICLE}?ref=home#sustain-thanks=once`);
  });

  it('keeps the cancel link within a length Stripe accepts, dropping the least useful fields first', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const long = (path: string) => `${ARTICLE}/${path}?q=${'x'.repeat(1900)}`;
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({ amount: '25', article_url: long('a'), referrer: long('b'), article_title: 'T'.repeat(300), return_to: ARTICLE, campaign: 'spring' });
    expect(res.status).toBe(303);
    const cancel = new URL(capture.body!.cancel_url!);
    expect(cancel.search.length).toBeLessThanOrEqual(1801);
    expect(cancel.searchParams.get('campaign')).toBe('spring');
    expect(cancel.searchParams.get('return_to')).toBe(ARTICLE);
    expect(cancel.searchParams.get('referrer')).toBeNull();
    // The row keeps everything: only the link is trimmed.
    expect((await t.db('donations').first()).article_url).toBe(long('a'));
  });

  it('drops a return_to longer than any real article URL rather than refuse the gift', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app).post('/donate').type('form').send({ amount: '25', embed: '1', return_to: `${ARTICLE}?q=${'x'.repeat(2100)}` });
    expect(res.status).toBe(303);
    expect((await t.db('donations').first()).return_to).toBeNull();
    expect(capture.body!.success_url).toBe(THANKS_PAGE);
  });
});
