import request from 'supertest';
import { todayInTimeZone, addDays } from '../../../src/admin/report-period';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonor, buildMembership, buildPaidDonation } from '../../support/factories';
import { invoiceObject, subscriptionSession } from '../../support/membership-fixtures';
import { stubInvoiceWithPayments } from '../../support/stripe-stubs';
import { deliver } from '../receipts/support';
import { signedInStaff } from './support';

const DAY_MS = 86_400_000;
const ZONE = 'America/New_York';
const STORY = 'https://news.example.org/2026/housing-crisis';
const OTHER_STORY = 'https://news.example.org/2026/school-board';

/** The figures of one report row (or of `totals`), by column. */
function row(html: string, key: string): Record<string, string> {
  const found = new RegExp(`<tr data-row="${key.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}">([\\s\\S]*?)</tr>`).exec(html);
  if (!found) throw new Error(`no row for ${key}`);
  return Object.fromEntries([...found[1]!.matchAll(/data-col="(\w+)">([^<]*)</g)].map((m) => [m[1]!, m[2]!]));
}

/** The keys of the report's rows, in the order shown. */
function order(html: string): string[] {
  return [...html.matchAll(/<tr data-row="([^"]+)">/g)].map((m) => m[1]!).filter((key) => key !== 'totals');
}

/** A date `days` before today in the organisation's zone, as the period picker sends it. */
const daysAgo = (days: number) => addDays(todayInTimeZone(new Date(), ZONE), -days);

describe('staff console: revenue by story and by campaign', () => {
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

  /** A paid one-time gift from a new donor, `days` ago, attributed as given. */
  async function gift(amount: number, days: number, attribution: Record<string, string>, extra: Record<string, unknown> = {}) {
    const donor = await buildDonor(t.db, { name: `Donor of ${amount}` });
    return buildPaidDonation(t.db, { donor_id: donor.id, amount, paid_at: new Date(Date.now() - days * DAY_MS), ...attribution, ...extra });
  }

  describe('a membership won by a story', () => {
    it('keeps its attribution through two renewals recorded from invoice.paid, and lists all three payments', async () => {
      const m = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_story', article_url: STORY, article_title: 'The housing crisis', campaign: 'spring-drive' });
      const ids = { membershipId: m.id, subscriptionId: 'sub_story', customerId: 'cus_story', sessionId: 'cs_story' };
      const now = Math.floor(Date.now() / 1000);
      await deliver(t, 'checkout.session.completed', subscriptionSession(ids, 'grace@example.com'), { created: now - 62 * 86_400 });
      for (const [n, days] of [[1, 62], [2, 31], [3, 1]] as const) {
        const paidAt = now - days * 86_400;
        // As Stripe sends it: the event leaves `payments` out and the webhook route fetches the invoice with them.
        const { payments: _payments, ...event } = invoiceObject(ids, { id: `in_story_${n}`, paidAt, email: 'grace@example.com' });
        const fetched = stubInvoiceWithPayments(invoiceObject(ids, { id: `in_story_${n}`, paidAt, email: 'grace@example.com' }));
        await deliver(t, 'invoice.paid', event, { created: paidAt });
        expect(fetched.isDone()).toBe(true);
      }
      const recorded = await t.db('donations').where({ membership_id: m.id }).select('article_url', 'stripe_invoice_id');
      expect(recorded).toHaveLength(3);
      expect(recorded.every((d) => d.article_url === STORY)).toBe(true);

      const period = new URLSearchParams({ from: daysAgo(90), to: daysAgo(0) });
      const html = await page(`/admin/reports/stories?${period}`);
      expect(row(html, STORY)).toEqual({ donors: '1', first_gifts: '1', renewals: '2', revenue: '$30.00', lifetime: '$30.00', members: '1' });
      expect(html).toContain('The housing crisis</a>');
      expect(row(html, 'totals')).toEqual({ donors: '1', first_gifts: '1', renewals: '2', revenue: '$30.00', lifetime: '$30.00', members: '1' });

      const giftsHref = `/admin/reports/gifts?${new URLSearchParams({ article_url: STORY, ...Object.fromEntries(period) })}`;
      expect(html).toContain(`href="${giftsHref.replace(/&/g, '&amp;')}"`);
      const gifts = await page(giftsHref);
      expect([...gifts.matchAll(/<td data-kind>([^<]+)</g)].map((k) => k[1])).toEqual(['Renewal', 'Renewal', 'First payment']);
      expect(gifts).toContain('Grace Member</a>');
      expect(gifts).toContain('3 gifts');

      // The default period, the last 30 days, holds the latest renewal only; lifetime keeps all three.
      expect(row(await page('/admin/reports/stories'), STORY)).toEqual({ donors: '1', first_gifts: '0', renewals: '1', revenue: '$10.00', lifetime: '$30.00', members: '1' });
      // The campaign it came with counts it the same way.
      expect(row(await page(`/admin/reports/campaigns?${period}`), 'spring-drive')).toMatchObject({ first_gifts: '1', renewals: '2', revenue: '$30.00' });
    });
  });

  it('counts a gift outside the period in lifetime revenue only', async () => {
    await gift(5000, 100, { article_url: STORY });
    await gift(2000, 5, { article_url: STORY });
    expect(row(await page('/admin/reports/stories'), STORY)).toEqual({ donors: '1', first_gifts: '1', renewals: '0', revenue: '$20.00', lifetime: '$70.00', members: '0' });
  });

  it('reads the period in the organisation’s time zone, both days included', async () => {
    // 03:30 UTC on 11 March 2026 is 23:30 on the 10th in New York.
    await gift(2500, 0, { article_url: STORY }, { paid_at: new Date('2026-03-11T03:30:00Z') });
    expect(row(await page('/admin/reports/stories?from=2026-03-10&to=2026-03-10'), STORY).revenue).toBe('$25.00');
    expect(row(await page('/admin/reports/stories?from=2026-03-11&to=2026-03-11'), STORY).revenue).toBe('$0.00');
  });

  it('nets refunds out of revenue, and counts a gift refunded in full for no donor or first gift (it gave nothing)', async () => {
    await gift(10_000, 3, { article_url: STORY }, { status: 'partially_refunded', amount_refunded: 4000 });
    await gift(3000, 2, { article_url: STORY }, { status: 'refunded', amount_refunded: 3000 });
    expect(row(await page('/admin/reports/stories'), STORY)).toEqual({ donors: '1', first_gifts: '1', renewals: '0', revenue: '$60.00', lifetime: '$60.00', members: '0' });
  });

  it('groups by campaign, leaves out gifts with none, and counts a donor once in the totals', async () => {
    const a = await gift(1000, 1, { campaign: 'spring-drive' });
    await buildPaidDonation(t.db, { donor_id: a.donor_id, amount: 500, campaign: 'newsletter' });
    await gift(2000, 2, { campaign: 'spring-drive' });
    await gift(9900, 1, { article_url: STORY });
    const html = await page('/admin/reports/campaigns');
    expect(order(html)).toEqual(['spring-drive', 'newsletter']);
    expect(row(html, 'spring-drive')).toMatchObject({ donors: '2', first_gifts: '2', revenue: '$30.00' });
    expect(row(html, 'totals')).toMatchObject({ donors: '2', first_gifts: '3', revenue: '$35.00' });
    expect(html).toContain('2 campaigns');
  });

  it('sorts by any column, both ways, and marks the sorted column', async () => {
    await gift(9000, 1, { article_url: STORY, article_title: 'Housing' });
    await gift(1000, 1, { article_url: OTHER_STORY, article_title: 'Schools' });
    await gift(1000, 2, { article_url: OTHER_STORY, article_title: 'Schools' });
    const byRevenue = await page('/admin/reports/stories');
    expect(order(byRevenue)).toEqual([STORY, OTHER_STORY]);
    expect(byRevenue).toMatch(/<th scope="col" class="num" aria-sort="descending"><a href="[^"]*sort=revenue&amp;dir=asc[^"]*">Revenue<\/a>/);
    expect(order(await page('/admin/reports/stories?sort=donors&dir=desc'))).toEqual([OTHER_STORY, STORY]);
    expect(order(await page('/admin/reports/stories?sort=revenue&dir=asc'))).toEqual([OTHER_STORY, STORY]);
    expect(order(await page('/admin/reports/stories?sort=label&dir=desc'))).toEqual([OTHER_STORY, STORY]);
    expect((await get('/admin/reports/stories?sort=drop_table')).status).toBe(422);
  });

  it('shows a story’s most recent title, escaped', async () => {
    await gift(1000, 9, { article_url: STORY, article_title: 'An old headline' });
    await gift(1000, 1, { article_url: STORY, article_title: '<script>alert("title")</script>' });
    const html = await page('/admin/reports/stories');
    expect(html).toContain('&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('An old headline');
  });

  it('names a story by the newest headline of a gift it won, not the old one a renewal repeats', async () => {
    const donor = await buildDonor(t.db, { name: 'Grace Member' });
    const m = await buildMembership(t.db, { donor_id: donor.id, status: 'active', article_url: STORY, article_title: 'The March headline' });
    await buildPaidDonation(t.db, { donor_id: donor.id, membership_id: m.id, amount: 1000, paid_at: new Date(Date.now() - 60 * DAY_MS), article_url: STORY, article_title: 'The March headline' });
    await gift(2500, 20, { article_url: STORY, article_title: 'The May headline' });
    await buildPaidDonation(t.db, { donor_id: donor.id, membership_id: m.id, amount: 1000, paid_at: new Date(Date.now() - 2 * DAY_MS), article_url: STORY, article_title: 'The March headline' });
    const html = await page('/admin/reports/stories?sort=revenue');
    expect(html).toContain('The May headline');
    expect(html).not.toContain('The March headline');
  });

  it('answers 422 naming the field for a bad date, a reversed period or one over five years', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-03-10&to=2026-03-01', 'from must be on or before to'],
      ['from=2019-01-01&to=2026-01-01', 'from must be at most five years'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/admin/reports/stories?${query}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain(field);
    }
    expect((await get('/admin/reports/gifts')).status).toBe(422);
    expect((await get(`/admin/reports/gifts?article_url=${encodeURIComponent(STORY)}&campaign=x`)).text).toContain('article_url');
  });

  it('is open to admins too, linked from the console’s navigation', async () => {
    const admin = await signedInStaff(t, 'admin');
    const res = await request(t.app).get('/admin/reports/campaigns').set('Cookie', admin.cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/admin/reports" aria-current="page">Reports</a>');
  });

  it('sends a signed-out visitor to sign in, and back after', async () => {
    const res = await request(t.app).get('/admin/reports/stories?from=2026-01-01');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/sign-in?next=${encodeURIComponent('/admin/reports/stories?from=2026-01-01')}`);
  });
});
