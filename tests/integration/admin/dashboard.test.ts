import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildMembership, buildPaidDonation } from '../../support/factories';
import { seedDonor, signedInStaff } from './support';

/** The figure shown under `data-figure="name"`. */
function figure(html: string, name: string): string {
  return new RegExp(`data-figure="${name}">([^<]+)<`).exec(html)![1]!;
}

function levelRow(html: string, level: string): string[] {
  const row = new RegExp(`<tr data-level="${level}">([\\s\\S]*?)</tr>`).exec(html)![1]!;
  return [...row.matchAll(/<t[dh][^>]*>(?:<a [^>]+>)?([^<]*)/g)].map((m) => m[1]!);
}

describe('GET /admin (dashboard)', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ cookie } = await signedInStaff(t));
  });
  afterAll(() => t.close());

  const dashboard = async () => {
    const res = await request(t.app).get('/admin').set('Cookie', cookie);
    expect(res.status).toBe(200);
    return res.text;
  };

  it('shows an empty newsroom as zeros, not errors', async () => {
    const html = await dashboard();
    expect(figure(html, 'raised')).toBe('$0.00');
    expect(figure(html, 'active-members')).toBe('0');
    expect(html).toContain('No gifts yet.');
    expect(levelRow(html, 'Supporter')).toEqual(['Supporter', '$0.00', '0', '$0.00']);
  });

  it('counts as cancelling every live membership set to end, as the donors list filters them', async () => {
    await seedDonor(t, { email: 'leaving@example.com' }, [], { amount: 1000, interval: 'month', status: 'active', cancelAtPeriodEnd: true });
    await seedDonor(t, { email: 'unpaid@example.com' }, [], { amount: 1000, interval: 'month', status: 'unpaid', cancelAtPeriodEnd: true });
    await seedDonor(t, { email: 'paused@example.com' }, [], { amount: 1000, interval: 'month', status: 'paused', cancelAtPeriodEnd: true });
    await seedDonor(t, { email: 'ended@example.com' }, [], { amount: 1000, interval: 'month', status: 'canceled', cancelAtPeriodEnd: true });
    expect(await dashboard()).toContain('3 cancelling at period end');
    const list = await request(t.app).get('/admin/donors?membership=canceling').set('Cookie', cookie);
    expect(list.text).toContain('3 donors');
  });

  it('adds up the last 30 days net of refunds, the membership base, failed payments and donors by level', async () => {
    // This window: $25 once (from an article), $100 once with $40 refunded, and a $10 monthly payment.
    await seedDonor(t, { email: 'new@example.com', name: 'Nia New', createdDaysAgo: 5 }, [{ amount: 2500, daysAgo: 5, articleTitle: 'Council votes on budget' }]);
    await seedDonor(t, { email: 'partial@example.com', name: 'Pat Partial' }, [
      { amount: 10_000, daysAgo: 12, status: 'partially_refunded', refunded: 4000, campaign: 'spring-drive' },
      { amount: 5000, daysAgo: 45 },
    ]);
    await seedDonor(t, { email: 'monthly@example.com', name: 'Mae Monthly' }, [{ amount: 1000, daysAgo: 2 }, { amount: 1000, daysAgo: 32 }], { amount: 1000, interval: 'month', status: 'active' });
    // Yearly member: $120 a year is $10 a month of recurring revenue; gave before the window.
    await seedDonor(t, { email: 'yearly@example.com', name: 'Yan Yearly' }, [{ amount: 12_000, daysAgo: 100 }], { amount: 12_000, interval: 'year', status: 'active', cancelAtPeriodEnd: true });
    await seedDonor(t, { email: 'failed@example.com', name: 'Flo Failed' }, [{ amount: 2000, daysAgo: 40 }], { amount: 2000, interval: 'month', status: 'past_due' });
    await seedDonor(t, { email: 'gone@example.com', name: 'Gus Gone' }, [{ amount: 150_000, daysAgo: 500 }], { amount: 5000, interval: 'month', status: 'canceled' });
    // Neither counted as given: a fully refunded gift and a failed one.
    await seedDonor(t, { email: 'refunded@example.com' }, [{ amount: 9900, daysAgo: 3, status: 'refunded', refunded: 9900 }, { amount: 500, daysAgo: 3, status: 'failed' }]);

    // None of these count: checkouts that never became memberships, memberships Stripe has no donor for yet, a gift in another currency.
    await seedDonor(t, { email: 'abandoned@example.com' }, [], { amount: 1000, interval: 'month', status: 'abandoned' });
    await buildMembership(t.db, { amount: 1000, status: 'active', stripe_subscription_id: 'sub_no_donor_1' });
    await buildMembership(t.db, { amount: 5000, status: 'active', stripe_subscription_id: 'sub_no_donor_2' });
    const { donorId: euro } = await seedDonor(t, { email: 'euro@example.com' });
    await buildPaidDonation(t.db, { donor_id: euro, currency: 'eur', amount: 100_000, paid_at: new Date(Date.now() - 20 * 86_400_000) });

    const html = await dashboard();
    expect(figure(html, 'raised')).toBe('$95.00'); // 25 + (100 - 40) + 10
    // The 30 days before: 50 + 10 + 20 = 80, so +19%.
    expect(html).toContain('+19% on $80.00');
    expect(html).toContain('$85.00</span><span class="sub">+ $10.00 from memberships');
    expect(figure(html, 'gifts')).toBe('3');
    expect(html).toContain('from 3 donors, 1 new');
    expect(figure(html, 'active-members')).toBe('4'); // Mae, Yan, and the two not yet linked to a donor
    expect(html).toContain('6 joined, 1 ended'); // all but the abandoned checkout began this month in this fixture
    // Monthly recurring: 10 + 120 / 12 + 20 (a failed card is still a member until Stripe gives up) + 10 + 50.
    expect(figure(html, 'mrr')).toBe('$100.00');
    expect(figure(html, 'past-due')).toBe('1');
    expect(html).toContain('1 cancelling at period end');

    // Yearly giving: Nia 25 (Supporter), Pat 110 (Member), Mae and Yan 120 and Flo 240 by commitment (Sustainer).
    // Like the donors list's level filter, every donor has a level: Gus (gave too long ago), the refunded,
    // abandoned and euro donors (no dollars in 12 months) are Supporters at $0.
    expect(levelRow(html, 'Supporter')).toEqual(['Supporter', '$0.00', '5', '$25.00']);
    expect(levelRow(html, 'Member')).toEqual(['Member', '$60.00', '1', '$110.00']);
    expect(levelRow(html, 'Sustainer')).toEqual(['Sustainer', '$120.00', '3', '$480.00']);
    expect(levelRow(html, 'Leadership Circle')).toEqual(['Leadership Circle', '$1,000.00', '0', '$0.00']);

    expect(html).toMatch(/Needs attention[\s\S]*?Flo Failed<\/a><\/td><td>\$20\.00 a month/);
    expect(html).toMatch(/Recent gifts[\s\S]*?<tbody>\s*<tr><td>[^<]+<\/td><td><a href="\/admin\/donors\/[^"]+">Mae Monthly<\/a><\/td><td class="num">\$10\.00/);
    expect(html).toMatch(/Top sources[\s\S]*?spring-drive<\/td><td class="num">1<\/td><td class="num">\$60\.00[\s\S]*?Council votes on budget<\/td><td class="num">1<\/td><td class="num">\$25\.00/);
  });

  it('dates a failed payment by when it failed, not by the last time the status was restated', async () => {
    const { membershipId } = await seedDonor(t, { email: 'late@example.com', name: 'Lou Late' }, [], { amount: 1500, interval: 'month', status: 'past_due' });
    // Failed on 2 March; a change of amount on 20 March restated past_due.
    await t.db('memberships').where({ id: membershipId }).update({ payment_failed_at: new Date('2026-03-02T15:00:00Z'), status_at: new Date('2026-03-20T15:00:00Z') });
    expect(await dashboard()).toMatch(/Lou Late<\/a><\/td><td>\$15\.00 a month<\/td><td>March 2, 2026<\/td>/);
  });
});
