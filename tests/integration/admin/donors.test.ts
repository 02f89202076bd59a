import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { formatDateInTimeZone } from '../../../src/receipts/receipt-view';
import { defaultSettings } from '../../../src/settings/settings';
import { invoiceObject, subscriptionObject, subscriptionSession } from '../../support/membership-fixtures';
import { checkoutSession } from '../../support/stripe-fixtures';
import { deliver, pendingDonation } from '../receipts/support';
import { buildMembership, buildPaidDonation } from '../../support/factories';
import { seedDonor, signedInStaff } from './support';

const DAY = 86_400;

/** The level cell of each donor row on a donors page, by donor name or email. */
function levelsOnPage(html: string): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const row of html.matchAll(/<tr data-donor="[^"]+">([\s\S]*?)<\/tr>/g)) {
    const who = /<a href="\/admin\/donors\/[^"]+">([^<]+)<\/a>/.exec(row[1]!)![1]!;
    rows[who] = /<td data-level[^>]*>([^<]+)<\/td>/.exec(row[1]!)![1]!;
  }
  return rows;
}

describe('donors in the staff console', () => {
  let t: TestApp;
  let cookie: string;
  let staffId: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const signedIn = await signedInStaff(t);
    cookie = signedIn.cookie;
    staffId = signedIn.staff.id;
  });
  afterAll(() => t.close());

  const get = (path: string) => request(t.app).get(path).set('Cookie', cookie);

  describe('levels, from what webhooks recorded', () => {
    it('shows a new $10-a-month member as Sustainer and a $60 one-time donor as Member, in the list and on the donor page', async () => {
      const now = Math.floor(Date.now() / 1000);
      const m = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_member' });
      const ids = { membershipId: m.id, subscriptionId: 'sub_staff_view', customerId: 'cus_staff_view', sessionId: 'cs_member' };
      await deliver(t, 'checkout.session.completed', subscriptionSession(ids, 'grace@example.com'), { created: now - DAY });
      await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_staff_view', paidAt: now - DAY, email: 'grace@example.com' }), { created: now - DAY });

      const gift = await pendingDonation(t, { amount: 6000 });
      await deliver(t, 'checkout.session.completed', checkoutSession({ id: gift.sessionId, donationId: gift.id, amount_total: 6000, payment_intent: 'pi_sixty', customer: 'cus_sixty' }));

      const list = await get('/admin/donors');
      expect(list.status).toBe(200);
      expect(levelsOnPage(list.text)).toEqual({ 'Grace Member': 'Sustainer', 'Ada Reader': 'Member' });

      const member = await t.db('donors').where({ email: 'grace@example.com' }).first();
      const page = await get(`/admin/donors/${member.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<strong data-level>Sustainer<\/strong> <span class="muted">· \$120\.00 a year committed by membership/);
      expect(page.text).toContain('$880.00 more a year reaches Leadership Circle');
      expect(page.text).toContain('<strong>$10.00 a month</strong> <span class="tag ok">Active</span>');
      const receipt = await t.db('receipts').first('number');
      expect(page.text).toContain(`href="/admin/receipts/${receipt.number}.pdf"`);
    });

    it('nets refunds and ignores gifts older than 12 months, while all-time giving keeps them', async () => {
      await seedDonor(t, { email: 'refunded@example.com', name: 'Rae Refunded' }, [{ amount: 15_000, daysAgo: 10, status: 'partially_refunded', refunded: 10_000 }]);
      await seedDonor(t, { email: 'lapsed@example.com', name: 'Lee Lapsed' }, [{ amount: 200_000, daysAgo: 400 }]);
      await seedDonor(t, { email: 'major@example.com', name: 'Mo Major' }, [{ amount: 50_000, daysAgo: 300 }, { amount: 50_000, daysAgo: 5 }]);
      await seedDonor(t, { email: 'former@example.com', name: 'Fay Former' }, [], { amount: 5_000, interval: 'month', status: 'canceled' });

      const list = await get('/admin/donors?sort=name');
      expect(levelsOnPage(list.text)).toEqual({
        'Fay Former': 'Supporter',
        'Lee Lapsed': 'Supporter',
        'Mo Major': 'Leadership Circle',
        'Rae Refunded': 'Supporter',
      });
      expect(list.text).toMatch(/Lee Lapsed[\s\S]*?\$0\.00[\s\S]*?\$2,000\.00/);
    });
  });

  describe('money given, kept apart from what a membership commits', () => {
    /** The cells of one donor's row on a donors page. */
    async function rowOf(path: string, name: string): Promise<string> {
      const html = (await get(path)).text;
      const row = [...html.matchAll(/<tr data-donor="[^"]+">([\s\S]*?)<\/tr>/g)].find((r) => r[1]!.includes(`>${name}</a>`));
      if (!row) throw new Error(`no row for ${name}`);
      return row[1]!;
    }

    it('shows a $15-a-month member who has given $25 at $25 given in the last 12 months, with the $15 a month as their membership', async () => {
      const { donorId } = await seedDonor(t, { email: 'sam@example.com', name: 'Sam Fifteen' }, [{ amount: 1500, daysAgo: 20 }], {
        amount: 1500,
        interval: 'month',
        status: 'active',
      });
      await buildPaidDonation(t.db, { donor_id: donorId, amount: 1000, paid_at: new Date(Date.now() - 3 * DAY * 1000) });

      for (const path of ['/admin/donors', '/admin/donors?sort=yearly', '/admin/donors?level=Sustainer']) {
        const row = await rowOf(path, 'Sam Fifteen');
        expect(row).toMatch(/<td class="num" data-label="Given, last 12 months" data-given>\$25\.00<\/td>/);
        expect(row).toMatch(/<td data-label="Membership" data-membership>\$15\.00 a month<br>/);
        // The level still counts the commitment ($180 a year), but no cell shows it as money given.
        expect(levelsOnPage(`<tr data-donor="x">${row}</tr>`)).toEqual({ 'Sam Fifteen': 'Sustainer' });
        expect(row).not.toContain('$180.00');
      }

      const record = (await get(`/admin/donors/${donorId}`)).text;
      expect(record).toContain('<dt>Given in the last 12 months</dt><dd data-given>$25.00</dd>');
      expect(record).toContain('<dt>Membership commitment</dt><dd data-commitment>$180.00 a year</dd>');
      expect(record).toMatch(/<strong data-level>Sustainer<\/strong> <span class="muted">· \$180\.00 a year committed by membership<\/span>/);
    });

    it('says a level reached by gifts was reached by gifts, and shows no commitment for a donor without a membership', async () => {
      const { donorId } = await seedDonor(t, { email: 'olu@example.com', name: 'Olu Once' }, [{ amount: 7000, daysAgo: 30 }]);
      expect(await rowOf('/admin/donors', 'Olu Once')).toContain('data-given>$70.00</td>');
      const record = (await get(`/admin/donors/${donorId}`)).text;
      expect(record).toMatch(/<strong data-level>Member<\/strong> <span class="muted">· \$70\.00 given in the last 12 months<\/span>/);
      expect(record).not.toContain('data-commitment');
    });
  });

  describe('a membership whose renewal failed', () => {
    const now = Math.floor(Date.now() / 1000);
    const failedAt = now - 2 * DAY;
    const failedOn = formatDateInTimeZone(new Date(failedAt * 1000), defaultSettings().organization.timezone);

    async function memberWhosePaymentFailed() {
      const m = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_failing' });
      const ids = { membershipId: m.id, subscriptionId: 'sub_failing', customerId: 'cus_failing', sessionId: 'cs_failing' };
      await deliver(t, 'checkout.session.completed', subscriptionSession(ids, 'pat@example.com'), { created: now - 40 * DAY });
      await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { periodStart: now - 40 * DAY }), { created: now - 40 * DAY });
      await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_first', paidAt: now - 40 * DAY, email: 'pat@example.com' }), { created: now - 40 * DAY });
      await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'past_due', periodStart: now - 10 * DAY }), { created: failedAt });
      await deliver(t, 'invoice.payment_failed', invoiceObject(ids, { id: 'in_second', status: 'open', paidAt: now - 10 * DAY, email: 'pat@example.com' }), { created: failedAt });
      const donor = await t.db('donors').where({ email: 'pat@example.com' }).first('id');
      return { ids, donorId: donor.id as string };
    }

    it('says on the donor record that the payment failed, when, and that Stripe is retrying it, not when the next payment is', async () => {
      const { donorId } = await memberWhosePaymentFailed();
      const page = (await get(`/admin/donors/${donorId}`)).text;
      expect(page).toContain('<span class="tag warn">Payment failed</span>');
      expect(page).toContain(`<span data-failed-payment>· payment failed on ${failedOn}, Stripe is retrying it; the member can update their card from their account</span>`);
      expect(page).not.toMatch(/next payment/i);
    });

    it('says the retries are over once Stripe marks the membership unpaid', async () => {
      const { ids, donorId } = await memberWhosePaymentFailed();
      await deliver(t, 'customer.subscription.updated', subscriptionObject(ids, { status: 'unpaid', periodStart: now - 10 * DAY }), { created: now - DAY });
      const page = (await get(`/admin/donors/${donorId}`)).text;
      expect(page).toContain(`<span data-failed-payment>· payment failed on ${failedOn}, retries are over;`);
      expect(page).not.toMatch(/next payment/i);
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      await seedDonor(t, { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' }, [{ amount: 2500, daysAgo: 3 }]);
      await seedDonor(t, { email: 'grace@navy.example', name: 'Grace Hopper' }, [{ amount: 1000, daysAgo: 1 }], { amount: 1000, interval: 'month', status: 'past_due' });
      await seedDonor(t, { email: 'kj@example.com', name: 'Katherine Johnson' }, [{ amount: 100_000, daysAgo: 30 }], { amount: 10_000, interval: 'year', status: 'active', cancelAtPeriodEnd: true });
      await seedDonor(t, { email: 'dorothy@example.com', name: 'Dorothy Vaughan' }, [{ amount: 12_000, daysAgo: 60, frequency: 'annual' }], { amount: 12_000, interval: 'year', status: 'canceled' });
      await t.db('donors').where({ email: 'kj@example.com' }).update({ stripe_customer_id: 'cus_kj123' });
    });
    const names = async (query: string) => Object.keys(levelsOnPage((await get(`/admin/donors?${query}`)).text)).sort();

    it('finds donors by any part of their name or email, in any case, or by Stripe customer id', async () => {
      expect(await names('q=LOVE')).toEqual(['Ada Lovelace']);
      expect(await names('q=navy.example')).toEqual(['Grace Hopper']);
      expect(await names('q=cus_kj123')).toEqual(['Katherine Johnson']);
      expect(await names('q=nobody')).toEqual([]);
      // LIKE wildcards are searched for literally.
      expect(await names('q=%25')).toEqual([]);
      expect(await names('q=_')).toEqual([]);
    });

    it('filters by level and by membership state', async () => {
      expect(await names('level=Leadership%20Circle')).toEqual(['Katherine Johnson']);
      expect(await names('level=Supporter')).toEqual(['Ada Lovelace']);
      expect(await names('level=Sustainer')).toEqual(['Dorothy Vaughan', 'Grace Hopper']);
      expect(await names('membership=past_due')).toEqual(['Grace Hopper']);
      expect(await names('membership=canceling')).toEqual(['Katherine Johnson']);
      expect(await names('membership=ended')).toEqual(['Dorothy Vaughan']);
      expect(await names('membership=none')).toEqual(['Ada Lovelace']);
      expect(await names('membership=active')).toEqual([]);
    });

    it('sorts by recent gift by default, or by yearly giving with ties to the more recent gift', async () => {
      expect(Object.keys(levelsOnPage((await get('/admin/donors')).text))).toEqual(['Grace Hopper', 'Ada Lovelace', 'Katherine Johnson', 'Dorothy Vaughan']);
      // Grace ($10 a month) and Dorothy ($120 once) both give $120 a year.
      expect(Object.keys(levelsOnPage((await get('/admin/donors?sort=yearly')).text))).toEqual(['Katherine Johnson', 'Grace Hopper', 'Dorothy Vaughan', 'Ada Lovelace']);
    });

    it('answers 422 naming the parameter for a search it cannot read', async () => {
      const badSort = await get('/admin/donors?sort=richest').set('Accept', 'application/json');
      expect(badSort.status).toBe(422);
      expect(badSort.body.error.message).toMatch(/^That search could not be read \(sort: /);
      expect((await get('/admin/donors?page=0')).status).toBe(422);
      expect((await get(`/admin/donors?q=${'x'.repeat(201)}`)).status).toBe(422);
    });
  });

  it('pages through many donors, 50 at a time, keeping the search in the links', async () => {
    const rows = Array.from({ length: 55 }, (_, i) => ({ email: `reader${String(i).padStart(2, '0')}@example.com`, name: `Reader ${String(i).padStart(2, '0')}` }));
    await t.db('donors').insert(rows);
    const first = await get('/admin/donors?q=reader&sort=name');
    expect(first.text).toContain('55 donors, page 1 of 2');
    expect(Object.keys(levelsOnPage(first.text))).toHaveLength(50);
    expect(first.text).toContain('href="/admin/donors?q=reader&amp;sort=name&amp;page=2"');
    const second = await get('/admin/donors?q=reader&sort=name&page=2');
    expect(Object.keys(levelsOnPage(second.text))).toEqual(['Reader 50', 'Reader 51', 'Reader 52', 'Reader 53', 'Reader 54']);
  });

  it('still counts the results on a page past the end, with a way back', async () => {
    await seedDonor(t, { email: 'one@example.com' });
    await seedDonor(t, { email: 'two@example.com' });
    const res = await get('/admin/donors?page=3');
    expect(res.status).toBe(200);
    expect(res.text).toContain('2 donors, page 3 of 1');
    expect(res.text).toContain('rel="prev"');
  });

  it('answers 422, not 500, to a NUL character in a search', async () => {
    expect((await get('/admin/donors?q=a%00b')).status).toBe(422);
    expect((await get('/admin/donors?level=%00')).status).toBe(422);
  });

  it('counts only memberships that began: a checkout abandoned or failed is no membership', async () => {
    const abandoned = await seedDonor(t, { email: 'abandoned@example.com', name: 'Abe Abandoned' }, [], { amount: 1000, interval: 'month', status: 'abandoned' });
    await seedDonor(t, { email: 'failed@example.com', name: 'Fae Failed' }, [], { amount: 1000, interval: 'month', status: 'failed' });
    const never = await get('/admin/donors?membership=none&sort=name');
    expect(Object.keys(levelsOnPage(never.text))).toEqual(['Abe Abandoned', 'Fae Failed']);
    expect(never.text).not.toContain('a month');
    const record = await get(`/admin/donors/${abandoned.donorId}`);
    expect(record.text).toContain('Never a member.');
  });

  it('records who opened a donor record, and answers 404 for an unknown or malformed id', async () => {
    const { donorId } = await seedDonor(t, { email: 'viewed@example.com' });
    expect((await get(`/admin/donors/${donorId}`)).status).toBe(200);
    expect(await t.db('audit_log').where({ action: 'donor.viewed' }).select('admin_user_id', 'subject_type', 'subject_id')).toEqual([
      { admin_user_id: staffId, subject_type: 'donor', subject_id: donorId },
    ]);
    expect((await get('/admin/donors/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/admin/donors/not-an-id')).status).toBe(404);
  });

  it('hands staff any receipt as a PDF, and 404 for a number that does not exist', async () => {
    const gift = await pendingDonation(t, { amount: 2500 });
    await deliver(t, 'checkout.session.completed', checkoutSession({ id: gift.sessionId, donationId: gift.id }));
    const { number } = await t.db('receipts').first('number');
    const pdf = await get(`/admin/receipts/${number}.pdf`).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await t.db('audit_log').where({ action: 'receipt.downloaded' }).select('admin_user_id', 'subject_type')).toEqual([
      { admin_user_id: staffId, subject_type: 'receipt' },
    ]);
    expect((await get('/admin/receipts/2026-999999.pdf')).status).toBe(404);
  });
});
