import type { Knex } from 'knex';
import request from 'supertest';
import { z } from 'zod';
import { ConflictError } from '../../../src/lib/errors';
import { issueYearEndStatements } from '../../../src/receipts/year-end-statements';
import { seedDemo, type SeedReport } from '../../../src/dev/seed-demo';
import { sizesFor } from '../../../src/dev/seed-plan';
import { bootTestApp, type TestApp } from '../../support/app';
import { expectRollupsTrue } from '../../support/rollups';
import { signedInStaff } from '../admin/support';

/**
 * Demo data as the app would have written it from Stripe's webhooks: each
 * check below is a query for the rows that break one of the app's own rules,
 * and expects none.
 */

const DONORS = 400;
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY_MS = 86_400_000;

describe('seedDemo (npm run seed:demo)', () => {
  let t: TestApp;
  let report: SeedReport;
  const now = new Date();
  const rows = async (sql: string, bindings: Knex.RawBinding[] = []) => (await t.db.raw(sql, bindings)).rows as Record<string, unknown>[];

  beforeAll(async () => {
    t = await bootTestApp();
    await t.reset();
    report = await seedDemo(t.db, { sizes: sizesFor(DONORS), now });
  }, 120_000);
  afterAll(() => t.close());

  it('writes the donors and about five donations each, two years back from now', async () => {
    expect(report.counts.donors).toBe(DONORS);
    expect(Object.values(report.counts.donations).reduce((a, b) => a + b, 0)).toBe(DONORS * 5);
    expect(report.counts.membershipDonations).toBeGreaterThan(DONORS);
    const [span] = await rows(`select min(created_at) as first, max(greatest(created_at, updated_at, paid_at)) as last from donations`);
    expect((span!.first as Date).getTime()).toBeGreaterThanOrEqual(now.getTime() - 731 * DAY_MS);
    expect((span!.last as Date).getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('gives every row a version 4 UUID, as the console routes validate them', async () => {
    const ids = await rows(`select id::text from donors union all select id::text from donations union all select id::text from memberships
                            union all select id::text from receipts union all select id::text from year_end_statements`);
    expect(ids.length).toBeGreaterThan(DONORS * 10);
    expect(ids.map((r) => r.id as string).filter((id) => !V4.test(id) || !z.uuid().safeParse(id).success)).toEqual([]);
  });

  it('names Stripe objects with their prefixes, each id once', async () => {
    const bad = await rows(`
      select 'donor' as what, stripe_customer_id as id from donors where stripe_customer_id !~ '^cus_[A-Za-z0-9]{14}$'
      union all select 'membership', stripe_subscription_id from memberships where stripe_subscription_id !~ '^sub_[A-Za-z0-9]{24}$'
      union all select 'membership session', stripe_checkout_session_id from memberships where stripe_checkout_session_id !~ '^cs_test_[A-Za-z0-9]+$'
      union all select 'session', stripe_checkout_session_id from donations where stripe_checkout_session_id !~ '^cs_test_[A-Za-z0-9]+$'
      union all select 'intent', stripe_payment_intent_id from donations where stripe_payment_intent_id !~ '^pi_[A-Za-z0-9]{24}$'
      union all select 'charge', stripe_charge_id from donations where stripe_charge_id !~ '^ch_[A-Za-z0-9]{24}$'
      union all select 'invoice', stripe_invoice_id from donations where stripe_invoice_id !~ '^in_[A-Za-z0-9]{24}$'`);
    expect(bad).toEqual([]);
    // Unique constraints hold each column to one use; the seeded ids also never repeat across a payment's kinds.
    const [kinds] = await rows(`select count(distinct stripe_payment_intent_id) as intents, count(stripe_payment_intent_id) as with_intent from donations`);
    expect(kinds!.intents).toBe(kinds!.with_intent);
  });

  it('records paid gifts as the checkout, invoice and charge webhooks leave them', async () => {
    const bad = await rows(`
      select id, status, 'paid gift without its payment' as why from donations
        where status in ('succeeded', 'refunded', 'partially_refunded', 'disputed')
          and (paid_at is null or amount_paid is null or amount_paid <> amount or stripe_charge_id is null or stripe_payment_intent_id is null
               or payment_method_type is null or donor_id is null or paid_at < created_at or paid_at > ?)
      union all select id, status, 'refund larger than the payment' from donations where amount_refunded > coalesce(amount_paid, 0)
      union all select id, status, 'status disagrees with the refunded amount' from donations
        where status in ('succeeded', 'refunded', 'partially_refunded')
          and status <> case when amount_refunded = 0 then 'succeeded' when amount_refunded >= amount_paid then 'refunded' else 'partially_refunded' end
      union all select id, status, 'failed without a failure' from donations
        where status = 'failed' and (failed_at is null or failure_reason is null or paid_at is not null or stripe_charge_id is not null)
      union all select id, status, 'expired checkout with a payment or a donor' from donations
        where status = 'abandoned' and (abandoned_at is null or donor_id is not null or stripe_payment_intent_id is not null or abandoned_at > ?)
      union all select id, status, 'pending without a reason to be' from donations
        where status = 'pending' and not ((processing_at is not null and donor_id is not null) or created_at > ?::timestamptz - interval '1 day')
      union all select id, status, 'fees split wrong' from donations where fee_covered <> (fee_amount > 0) or fee_amount >= amount
      union all select id, status, 'one-time gift shaped like a renewal' from donations
        where membership_id is null and (frequency <> 'once' or stripe_checkout_session_id is null or stripe_invoice_id is not null)
      union all select id, status, 'dispute status without a dispute' from donations where (status = 'disputed') <> (dispute_status is not null and dispute_status <> 'won')`,
      [now, now, now],
    );
    expect(bad).toEqual([]);
    const statuses = Object.keys(report.counts.donations);
    expect(statuses).toEqual(expect.arrayContaining(['succeeded', 'refunded', 'partially_refunded', 'abandoned']));
  });

  it('credits one-time gifts to campaigns of their year and to stories already published', async () => {
    const bad = await rows(`
      select id, campaign, created_at from donations
        where frequency = 'once' and campaign is not null and substring(campaign from '(\\d{4})$')::int <> extract(year from created_at)
      union all select id, article_url, created_at from donations
        where frequency = 'once' and article_url is not null
          and created_at < to_date(substring(article_url from '/(\\d{4}/\\d{2})/'), 'YYYY/MM')`);
    expect(bad).toEqual([]);
    const [credited] = await rows(`select count(*) filter (where campaign is not null) as campaigns, count(*) filter (where article_url is not null) as stories,
                                   count(*) filter (where utm_source is not null) as tagged from donations where frequency = 'once'`);
    expect(Math.min(Number(credited!.campaigns), Number(credited!.stories), Number(credited!.tagged))).toBeGreaterThan(DONORS / 10);
  });

  it('links each membership payment to a membership of the same donor, one donation per invoice, with its attribution', async () => {
    const bad = await rows(`
      select d.id, m.status from donations d join memberships m on m.id = d.membership_id
      where d.donor_id is distinct from m.donor_id
         or d.frequency <> case m.interval when 'month' then 'monthly' else 'annual' end
         or d.stripe_invoice_id is null or d.stripe_checkout_session_id is not null
         or d.amount <> m.amount or d.paid_at < m.created_at or d.paid_at > coalesce(m.ended_at, ?)
         or (d.article_url, d.campaign, d.utm_source, d.cta_variant) is distinct from (m.article_url, m.campaign, m.utm_source, m.cta_variant)`,
      [now],
    );
    expect(bad).toEqual([]);
    const [orphans] = await rows(`select count(*) as n from memberships m where m.donor_id is not null and not exists (select 1 from donations d where d.membership_id = m.id)`);
    expect(orphans!.n).toBe(0);
  });

  it('leaves memberships as Stripe subscriptions end up: renewing, cancelling, past due or canceled', async () => {
    const bad = await rows(`
      select id, status, 'canceled without its end' as why from memberships
        where status = 'canceled' and (ended_at is null or canceled_at is null or cancellation_reason is null or ended_at > ?)
      union all select id, status, 'cancelling without the request' from memberships where status = 'active' and cancel_at_period_end and canceled_at is null
      union all select id, status, 'live with an end' from memberships where status in ('active', 'past_due') and ended_at is not null
      union all select id, status, 'active past its period' from memberships where status = 'active' and current_period_end <= ?
      union all select id, status, 'started without its subscription' from memberships
        where donor_id is not null and (stripe_subscription_id is null or stripe_customer_id is null or status_at is null or snapshot_at is null)
      union all select m.id, m.status, 'past due yet paid this period' from memberships m
        where m.status = 'past_due' and exists (select 1 from donations d where d.membership_id = m.id and d.paid_at >= m.current_period_start)
      union all select m.id, m.status, 'customer differs from the donor''s' from memberships m join donors d on d.id = m.donor_id
        where m.stripe_customer_id <> d.stripe_customer_id`,
      [now, now],
    );
    expect(bad).toEqual([]);
    expect(Object.keys(report.counts.memberships)).toEqual(expect.arrayContaining(['active', 'canceled', 'active (cancelling)']));
  });

  it('issues receipts as the app numbers them: one per paid gift, voided or corrected by refunds, gapless in each year', async () => {
    const bad = await rows(`
      select d.id, d.status, 'paid gift without exactly one original receipt' as why from donations d
        where d.status in ('succeeded', 'refunded', 'partially_refunded', 'disputed')
          and (select count(*) from receipts r where r.donation_id = d.id and r.kind = 'donation') <> 1
      union all select d.id, d.status, 'receipt in force for the wrong amount' from donations d join receipts r on r.donation_id = d.id and r.voided_at is null
        where r.amount <> d.amount_paid - d.amount_refunded
      union all select d.id, d.status, 'refunded gift with a receipt in force' from donations d join receipts r on r.donation_id = d.id
        where d.status = 'refunded' and r.voided_at is null
      union all select r.donation_id, r.number, 'number not of its year and sequence' from receipts r
        where r.number <> r.year || '-' || lpad(r.sequence::text, 6, '0') or r.year <> extract(year from r.contributed_at at time zone 'America/New_York')`,
    );
    expect(bad).toEqual([]);
    const years = await rows(`select r.year, count(*) as n, max(r.sequence) as last, min(r.sequence) as first, c.last_sequence
                              from receipts r join receipt_counters c on c.year = r.year group by r.year, c.last_sequence order by r.year`);
    expect(years.length).toBeGreaterThanOrEqual(2);
    for (const year of years) expect(year).toEqual({ ...year, first: 1, last: year.n, last_sequence: year.n });
    // Numbers follow the order receipts were issued in, corrections where their refunds came.
    const [disorder] = await rows(`select count(*) as n from (select issued_at, lag(issued_at) over (partition by year order by sequence) as before from receipts) x where issued_at < before`);
    expect(disorder!.n).toBe(0);
  });

  it('fills donor_totals with what the trigger\'s own function computes for each donor', async () => {
    const seeded = await rows('select * from donor_totals order by donor_id');
    expect(seeded).toHaveLength(DONORS);
    await t.db.raw('select refresh_donor_totals(id) from donors');
    expect(await rows('select * from donor_totals order by donor_id')).toEqual(seeded);
    expect(seeded.filter((row) => Number(row.lifetime) > 0).length).toBeGreaterThan(DONORS * 0.9);
  });

  it('leaves every figure the console keeps (yearly giving, giving by hour, the donor count) as computed afresh', async () => {
    await expectRollupsTrue(t.db, now, ['usd']);
    const [kept] = await rows('select count(*) as n from donor_currency_totals where yearly > 0');
    expect(kept!.n).toBeGreaterThan(DONORS / 4);
  });

  it('turns the triggers back on and rebuilds every index and key it set aside', async () => {
    const triggers = await rows(`select tgname, tgenabled from pg_trigger where not tgisinternal and tgrelid in ('donations'::regclass, 'memberships'::regclass, 'donors'::regclass) order by 1`);
    expect(triggers.map((r) => r.tgname)).toEqual(expect.arrayContaining(['donations_donor_totals', 'memberships_donor_totals', 'donors_donor_totals']));
    for (const trigger of triggers) expect(trigger).toEqual({ ...trigger, tgenabled: 'O' });
    const indexes = await rows(`select indexrelid::regclass::text as name from pg_index where indrelid in ('donations'::regclass, 'receipts'::regclass, 'donors'::regclass)`);
    expect(indexes.map((r) => r.name)).toEqual(
      expect.arrayContaining(['donations_given_paid_at', 'donations_stripe_charge_id_unique', 'donors_email_lower_unique', 'receipts_one_current', 'receipts_number_unique']),
    );
    const [keys] = await rows(`select count(*) as n from pg_constraint where contype = 'f' and conrelid in ('donations'::regclass, 'receipts'::regclass)`);
    expect(keys!.n).toBe(5);
  });

  it('has already issued the year-end statements of closed years, so the January job sends nothing again', async () => {
    // The statements of a year go out from January 5 of the next.
    const year = now.getUTCFullYear() - (now >= new Date(Date.UTC(now.getUTCFullYear(), 0, 6)) ? 1 : 2);
    const [statements] = await rows('select count(*) as n from year_end_statements where year = ?', [year]);
    expect(statements!.n).toBeGreaterThan(DONORS / 4);
    expect(await issueYearEndStatements(t.db, year)).toMatchObject({ issued: 0, alreadyIssued: statements!.n });
  });

  describe('in the staff console', () => {
    let cookie: string;
    beforeAll(async () => {
      ({ cookie } = await signedInStaff(t));
    });

    it('opens seeded donors\' records: a member, the most generous donor and a one-time donor', async () => {
      const picks = await rows(`
        (select donor_id as id from memberships where status = 'active' order by id limit 1)
        union all (select donor_id from donor_totals order by gifts desc, donor_id limit 1)
        union all (select d.id from donors d where not exists (select 1 from memberships m where m.donor_id = d.id) order by d.id limit 1)`);
      for (const { id } of picks) {
        const donor = await t.db('donors').where({ id }).first('email');
        const page = await request(t.app).get(`/admin/donors/${id}`).set('Cookie', cookie);
        expect({ id, status: page.status }).toEqual({ id, status: 200 });
        expect(page.text).toContain(donor.email);
        expect(page.text).toContain('Given in all');
      }
    });

    it('shows a living dashboard: money raised in the last 30 days and active members', async () => {
      const page = await request(t.app).get('/admin').set('Cookie', cookie);
      expect(page.status).toBe(200);
      const figure = (name: string) => new RegExp(`data-figure="${name}">([^<]+)<`).exec(page.text)![1]!;
      expect(Number(figure('raised').replace(/[$,]/g, ''))).toBeGreaterThan(0);
      expect(Number(figure('active-members'))).toBeGreaterThan(0);
    });
  });

  describe('on a database that already holds giving records', () => {
    it('refuses, and writes nothing', async () => {
      const before = await rows('select (select count(*) from donors) as donors, (select count(*) from donations) as donations');
      await expect(seedDemo(t.db, { sizes: sizesFor(10), now })).rejects.toThrow(ConflictError);
      await expect(seedDemo(t.db, { sizes: sizesFor(10), now })).rejects.toThrow(new RegExp(`already holds giving records \\(${DONORS} donors, ${DONORS * 5} donations, \\d+ memberships\\).*--append`));
      expect(await rows('select (select count(*) from donors) as donors, (select count(*) from donations) as donations')).toEqual(before);
    });

    it('adds beside them with append: new donors and ids, receipt numbers continuing each year\'s series', async () => {
      const countersBefore = await rows('select year, last_sequence from receipt_counters order by year');
      const appended = await seedDemo(t.db, { sizes: sizesFor(50), now, append: true });
      expect(appended.counts.donors).toBe(DONORS + 50);
      const years = await rows(`select r.year, count(*) as n, max(r.sequence) as last, c.last_sequence from receipts r
                                join receipt_counters c on c.year = r.year group by r.year, c.last_sequence order by r.year`);
      for (const year of years) expect(year).toEqual({ ...year, last: year.n, last_sequence: year.n });
      for (const before of countersBefore) {
        const after = years.find((y) => y.year === before.year)!;
        expect(Number(after.last_sequence)).toBeGreaterThan(Number(before.last_sequence));
      }
      const [totals] = await rows('select count(*) as n from donor_totals');
      expect(totals!.n).toBe(DONORS + 50);
      await expectRollupsTrue(t.db, now, ['usd']);
    });

    it('refuses to load around a trigger it does not know, leaving everything as it was', async () => {
      await t.db.raw(`create function seed_test_noop() returns trigger language plpgsql as $$ begin return null; end $$`);
      await t.db.raw('create trigger seed_test_noop after insert on donations for each row execute function seed_test_noop()');
      try {
        const before = await rows('select count(*) as n from donations');
        await expect(seedDemo(t.db, { sizes: sizesFor(10), now, append: true })).rejects.toThrow(/donations\.seed_test_noop/);
        expect(await rows('select count(*) as n from donations')).toEqual(before);
        const [trigger] = await rows(`select tgenabled from pg_trigger where tgname = 'donations_donor_totals' and tgrelid = 'donations'::regclass`);
        expect(trigger!.tgenabled).toBe('O');
      } finally {
        await t.db.raw('drop trigger seed_test_noop on donations');
        await t.db.raw('drop function seed_test_noop()');
      }
    });
  });
});
