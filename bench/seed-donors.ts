import { Client } from 'pg';

/**
 * Fills a migrated database with a newsroom-sized donor base for the staff
 * console benchmark (bench/admin-console.ts), set-based: every table is one
 * `insert ... select` over generate_series, so 50,000 donors and 250,000
 * donations take seconds, not the minutes row-by-row inserts would.
 *
 * Shape (random, but the same on every run: the session's seed is fixed):
 * - donors: first/last names from fixed lists (about 7 % contain "smith":
 *   Smith, Smithson, Goldsmith), 5 % with no name, 40 % with an address;
 *   donor n has id md5('donor-n')::uuid so later statements can link to it.
 * - memberships (about one donor in six): 70 % active (12 % of those
 *   cancelling at period end), 8 % past_due, 22 % canceled; 85 % monthly
 *   ($5-$50), 15 % yearly ($50-$500); started up to 3 years ago.
 * - membership gifts: one per billing period from the start to now (or the
 *   end), linked by membership_id; the latest one of a past_due membership
 *   failed. Frequency monthly / annual.
 * - one-time gifts make up the rest of the donation count, spread over 3
 *   years, skewed so a few donors give often (the most generous about
 *   100 times) and most give once or twice; 88 % succeeded, 3 % partially
 *   refunded, 2 % refunded, 7 % failed; amounts $5-$1,000, mostly presets.
 * - receipts for every paid gift (voided when refunded, plus a correction
 *   for a partial refund) numbered per year, and the year counters.
 * Row triggers on donations (the donor_totals upkeep) are off during the
 * bulk inserts and their effect replayed once per donor afterwards with the
 * migration's own function; then VACUUM ANALYZE, as autovacuum would have
 * done on a live database.
 */

export interface SeedSizes {
  donors: number;
  /** Target for all donations; one-time gifts fill what memberships leave. */
  donations: number;
  memberships: number;
}

export interface SeedStep {
  name: string;
  ms: number;
  rows: number;
}

export interface SeedReport {
  steps: SeedStep[];
  totalMs: number;
  counts: {
    donors: number;
    donations: Record<string, number>;
    donationsByFrequency: Record<string, number>;
    membershipDonations: number;
    memberships: Record<string, number>;
    receipts: number;
    smithDonors: number;
    databaseBytes: number;
  };
}

const FIRST_NAMES = [
  'Mary', 'James', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Karen', 'Charles', 'Sarah', 'Daniel',
  'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven',
  'Aisha', 'Wei', 'José', 'Zoë', 'Priya', 'Omar', 'Mei', 'Kwame', 'Ingrid', 'Luis',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', "O'Brien", 'Smithson', 'Goldsmith',
];
const ARTICLES = [
  'City council approves budget after all-night session',
  'Inside the fight over the county water plan',
  'School board races: what the candidates say',
  'How the housing authority lost track of 400 units',
  'Hospital merger: what changes for patients',
  'The river cleanup, five years on',
  'Police overtime doubled. Nobody asked why.',
  'Meet the volunteers keeping the library open',
  'Our election guide',
  'Why local news matters more than ever',
  'Transit cuts hit night-shift workers hardest',
  'The landlord behind 1,200 code violations',
];
const CAMPAIGNS = ['newsmatch-2025', 'spring-drive', 'giving-tuesday', 'year-end', 'newsletter-footer'];

/** Runs `sql`, returns affected rows, and records how long it took. */
async function step(client: Client, steps: SeedStep[], name: string, sql: string, params: unknown[] = []): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await client.query(sql, params);
  steps.push({ name, ms: Number(process.hrtime.bigint() - started) / 1e6, rows: result.rowCount ?? 0 });
  return result.rowCount ?? 0;
}

/** A fresh, migrated database is expected (bench/admin-console.ts drops, recreates and migrates it). */
export async function seedDonors(url: string, sizes: SeedSizes, now: Date): Promise<SeedReport> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const steps: SeedStep[] = [];
  const started = process.hrtime.bigint();
  try {
    // A fixed seed makes random() repeat from run to run; the inserts below run serially.
    await client.query('select setseed(0.2026)');
    await client.query('set synchronous_commit = off');
    await client.query('create temporary sequence bench_ids');
    const nowParam = now.toISOString();
    // Row triggers on donations (donor_totals upkeep: one aggregate per inserted row) would make the
    // bulk inserts row-by-row; they are off while loading and their tables rebuilt afterwards, set-based.
    const { rows: triggers } = await client.query<{ tgname: string }>(
      "select tgname from pg_trigger where tgrelid = 'donations'::regclass and not tgisinternal order by tgname",
    );
    if (triggers.length > 0) await client.query('alter table donations disable trigger user');

    await step(
      client,
      steps,
      'donors',
      `insert into donors (id, email, name, stripe_customer_id, address, created_at, updated_at)
       select md5('donor-' || n)::uuid,
              regexp_replace(lower(f), '[^a-z]', '', 'g') || '.' || regexp_replace(lower(l), '[^a-z]', '', 'g') || n || '@' ||
                (array['example.org', 'example.com', 'example.net', 'mail.example'])[1 + n % 4],
              case when r_name < 0.05 then null else f || ' ' || l end,
              'cus_bench' || lpad(n::text, 8, '0'),
              case when r_addr < 0.4 then jsonb_build_object(
                'line1', (1 + n % 997) || ' Main Street', 'line2', null, 'city', 'Springfield', 'state', 'IL',
                'postal_code', (62700 + n % 90)::text, 'country', 'US') end,
              $2::timestamptz - interval '1095 days' * r_created,
              $2::timestamptz - interval '1095 days' * r_created
       from (select n, random() as r_name, random() as r_addr, random() as r_created,
                    ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int] as f,
                    ($4::text[])[1 + floor(random() * cardinality($4::text[]))::int] as l
             from generate_series(1, $1::int) n) s`,
      [sizes.donors, nowParam, FIRST_NAMES, LAST_NAMES],
    );

    await step(
      client,
      steps,
      'memberships',
      `with base as (
         select k, 1 + ((k - 1)::bigint * $2::int / $1::int)::int as donor_n,
                random() as r_status, random() as r_interval, random() as r_amount, random() as r_cancel,
                random() as r_start, random() as r_end, random() as r_source, random() as r_fee, random() as r_feedback
         from generate_series(1, $1::int) k
       ), shaped as (
         select b.*,
                case when r_status < 0.70 then 'active' when r_status < 0.78 then 'past_due' else 'canceled' end as status,
                case when r_interval < 0.85 then 'month' else 'year' end as billing,
                case when r_interval < 0.85 then interval '1 month' else interval '1 year' end as unit,
                $3::timestamptz - interval '1 day' * (20 + floor(r_start * 1070)) as started
         from base b
       ), timed as (
         select s.*,
                case when billing = 'month' then (array[500, 1000, 1500, 2000, 2500, 5000])[1 + floor(r_amount * 6)::int]
                     else (array[5000, 10000, 12000, 25000, 50000])[1 + floor(r_amount * 5)::int] end as amount,
                case when status = 'canceled' then started + ($3::timestamptz - started) * (0.05 + 0.9 * r_end) end as ended
         from shaped s
       ), periods as (
         select t.*,
                case when billing = 'month'
                  then (extract(year from age(coalesce(ended, $3::timestamptz), started)) * 12
                        + extract(month from age(coalesce(ended, $3::timestamptz), started)))::int
                  else extract(year from age(coalesce(ended, $3::timestamptz), started))::int end as elapsed
         from timed t
       )
       insert into memberships (id, donor_id, stripe_subscription_id, stripe_customer_id, status, currency, amount, fee_amount,
         fee_covered, interval, current_period_start, current_period_end, cancel_at_period_end, canceled_at, ended_at,
         cancellation_reason, cancellation_feedback, snapshot_at, status_at, article_url, article_title, campaign, created_at, updated_at)
       select md5('membership-' || k)::uuid, md5('donor-' || donor_n)::uuid, 'sub_bench' || lpad(k::text, 8, '0'),
              'cus_bench' || lpad(donor_n::text, 8, '0'), status, 'usd', amount,
              case when r_fee < 0.3 then floor(amount * 0.028)::int + 30 else 0 end, r_fee < 0.3, billing,
              started + unit * elapsed,
              case when status = 'canceled' then ended else started + unit * (elapsed + 1) end,
              status = 'active' and r_cancel < 0.12,
              case when status = 'canceled' then ended when status = 'active' and r_cancel < 0.12 then started + unit * elapsed + interval '1 day' end,
              ended,
              case when status = 'canceled' then 'cancellation_requested' end,
              case when status = 'canceled' then (array['too_expensive', 'unused', 'low_quality', 'other', null])[1 + floor(r_feedback * 5)::int] end,
              coalesce(ended, started + unit * elapsed), coalesce(ended, started + unit * elapsed),
              case when r_source < 0.4 then '/news/story-' || (1 + floor(r_source * 30)::int) end,
              case when r_source < 0.4 then ($4::text[])[1 + floor(r_source / 0.4 * cardinality($4::text[]))::int] end,
              case when r_source >= 0.4 and r_source < 0.5 then ($5::text[])[1 + floor((r_source - 0.4) / 0.1 * cardinality($5::text[]))::int] end,
              started, coalesce(ended, started + unit * elapsed)
       from periods`,
      [sizes.memberships, sizes.donors, nowParam, ARTICLES, CAMPAIGNS],
    );

    const membershipGifts = await step(
      client,
      steps,
      'membership gifts (one per billing period)',
      `insert into donations (donor_id, membership_id, status, frequency, currency, amount, fee_amount, fee_covered, amount_paid,
         amount_refunded, stripe_invoice_id, stripe_payment_intent_id, stripe_charge_id, payment_method_type, card_brand, card_last4,
         paid_at, failed_at, failure_reason, article_url, article_title, campaign, created_at, updated_at)
       select donor_id, id, status, case when interval = 'month' then 'monthly' else 'annual' end, currency, amount, fee_amount, fee_covered,
              case when status <> 'failed' then amount end,
              case status when 'refunded' then amount when 'partially_refunded' then amount / 2 else 0 end,
              'in_bench' || lpad(seq::text, 9, '0'), 'pi_bench_m' || lpad(seq::text, 9, '0'),
              case when status <> 'failed' then 'ch_bench_m' || lpad(seq::text, 9, '0') end,
              'card', (array['visa', 'mastercard', 'amex'])[(1 + seq % 3)::int], lpad((seq % 10000)::text, 4, '0'),
              case when status <> 'failed' then due + interval '2 hours' end,
              case when status = 'failed' then due + interval '2 hours' end,
              case when status = 'failed' then 'card_declined' end,
              case when i = 0 then article_url end, case when i = 0 then article_title end, case when i = 0 then campaign end,
              due, due + interval '2 hours'
       from (
         select g.*, nextval('bench_ids') as seq,
                case when g.membership_status = 'past_due' and g.due = g.current_period_start then 'failed'
                     when g.r < 0.965 then 'succeeded' when g.r < 0.975 then 'partially_refunded' when g.r < 0.985 then 'refunded'
                     else 'failed' end as status
         from (
           select m.id, m.donor_id, m.status as membership_status, m.interval, m.currency, m.amount, m.fee_amount, m.fee_covered,
                  m.current_period_start, m.ended_at, m.article_url, m.article_title, m.campaign, i,
                  m.created_at + (case when m.interval = 'month' then interval '1 month' else interval '1 year' end) * i as due,
                  random() as r
           from memberships m
           cross join generate_series(0, case when m.interval = 'month' then 40 else 4 end) i
         ) g
         where g.due <= coalesce(g.ended_at, $1::timestamptz) and g.due + interval '2 hours' <= $1::timestamptz
       ) x`,
      [nowParam],
    );

    const oneTime = Math.max(0, sizes.donations - membershipGifts);
    await step(
      client,
      steps,
      'one-time gifts',
      `insert into donations (donor_id, status, frequency, currency, amount, fee_amount, fee_covered, amount_paid, amount_refunded,
         stripe_checkout_session_id, stripe_payment_intent_id, stripe_charge_id, payment_method_type, card_brand, card_last4,
         paid_at, failed_at, failure_reason, anonymous, tribute_name, comment, article_url, article_title, campaign,
         utm_source, utm_medium, utm_campaign, created_at, updated_at)
       select md5('donor-' || donor_n)::uuid, status, 'once', 'usd', amount,
              case when r_fee < 0.3 then floor(amount * 0.028)::int + 30 else 0 end, r_fee < 0.3,
              case when status <> 'failed' then amount end,
              case status when 'refunded' then amount when 'partially_refunded' then greatest(1, floor(amount * (0.1 + 0.5 * r_refund))::int) else 0 end,
              'cs_bench' || lpad(seq::text, 9, '0'), 'pi_bench_o' || lpad(seq::text, 9, '0'),
              case when status <> 'failed' then 'ch_bench_o' || lpad(seq::text, 9, '0') end,
              'card', (array['visa', 'mastercard', 'amex', 'discover'])[(1 + seq % 4)::int], lpad((seq % 10000)::text, 4, '0'),
              case when status <> 'failed' then at end, case when status = 'failed' then at end,
              case when status = 'failed' then 'card_declined' end,
              r_extra < 0.03, case when r_extra >= 0.03 and r_extra < 0.04 then 'In memory of a reader' end,
              case when r_extra >= 0.04 and r_extra < 0.06 then 'Keep up the good work' end,
              case when r_source < 0.35 then '/news/story-' || (1 + floor(r_source * 60)::int) end,
              case when r_source < 0.35 then ($3::text[])[1 + floor(r_source / 0.35 * cardinality($3::text[]))::int] end,
              case when r_source >= 0.35 and r_source < 0.45 then ($4::text[])[1 + floor((r_source - 0.35) / 0.1 * cardinality($4::text[]))::int] end,
              case when r_source >= 0.45 and r_source < 0.55 then 'newsletter' end,
              case when r_source >= 0.45 and r_source < 0.55 then 'email' end,
              case when r_source >= 0.45 and r_source < 0.55 then 'weekly' end,
              at - interval '3 minutes', at
       from (
         select nextval('bench_ids') as seq,
                least($2::int, 1 + floor($2::int * power(random(), 1.5))::int) as donor_n,
                case when r_status < 0.88 then 'succeeded' when r_status < 0.91 then 'partially_refunded'
                     when r_status < 0.93 then 'refunded' else 'failed' end as status,
                case when r_amount < 0.30 then 1000 when r_amount < 0.60 then 2500 when r_amount < 0.78 then 5000
                     when r_amount < 0.88 then 10000 else 500 + floor(power(random(), 3) * 99500)::int end as amount,
                $5::timestamptz - interval '1095 days' * random() as at,
                r_fee, r_refund, r_extra, r_source
         from (select g, random() as r_status, random() as r_amount, random() as r_fee, random() as r_refund,
                      random() as r_extra, random() as r_source
               from generate_series(1, $1::int) g) r
       ) x`,
      [oneTime, sizes.donors, ARTICLES, CAMPAIGNS, nowParam],
    );

    if (triggers.length > 0) {
      await client.query('alter table donations enable trigger user');
      const names = triggers.map((t) => t.tgname);
      const known = ['donations_donor_totals'];
      const unknown = names.filter((name) => !known.includes(name));
      if (unknown.length > 0) throw new Error(`donations has triggers this seeder does not know how to replay: ${unknown.join(', ')}`);
      // Fresh statistics first, or each call's lookup of one donor's gifts is planned as a scan of every donation.
      await step(client, steps, 'analyze before the replay', 'analyze donors, donations, memberships');
      // The migration's own function, once for each donor the trigger would have fired for: one definition of the totals.
      await step(
        client,
        steps,
        'donor_totals (refresh_donor_totals per donor)',
        'select refresh_donor_totals(donor_id) from (select distinct donor_id from donations where donor_id is not null) d',
      );
    }

    await step(
      client,
      steps,
      'donors.created_at = first gift',
      `update donors d set created_at = f.first_at - interval '5 minutes', updated_at = f.first_at - interval '5 minutes'
       from (select donor_id, min(created_at) as first_at from donations group by donor_id) f
       where f.donor_id = d.id`,
    );

    // Receipts in the organisation's default zone (America/New_York), numbered per year.
    await step(
      client,
      steps,
      'receipts',
      `insert into receipts (number, year, sequence, kind, donation_id, donor_id, currency, amount, goods_value, deductible_amount,
         contributed_at, issued_at, voided_at, void_reason)
       select year || '-' || lpad(seq::text, 6, '0'), year, seq, 'donation', id, donor_id, currency, amount_paid, 0, amount_paid,
              paid_at, paid_at + interval '1 minute',
              case when status in ('refunded', 'partially_refunded') then paid_at + interval '3 days' end,
              case status when 'refunded' then 'refunded' when 'partially_refunded' then 'corrected' end
       from (select d.*, extract(year from paid_at at time zone 'America/New_York')::int as year,
                    row_number() over (partition by extract(year from paid_at at time zone 'America/New_York') order by paid_at, id) as seq
             from donations d where status in ('succeeded', 'partially_refunded', 'refunded')) x`,
    );
    await step(
      client,
      steps,
      'correction receipts (partial refunds)',
      `insert into receipts (number, year, sequence, kind, donation_id, donor_id, currency, amount, goods_value, deductible_amount,
         contributed_at, issued_at, replaces_receipt_id)
       select r.year || '-' || lpad((last.n + row_number() over (partition by r.year order by r.issued_at, r.id))::text, 6, '0'),
              r.year, last.n + row_number() over (partition by r.year order by r.issued_at, r.id), 'correction', r.donation_id, r.donor_id,
              r.currency, d.amount_paid - d.amount_refunded, 0, d.amount_paid - d.amount_refunded,
              r.contributed_at, r.voided_at, r.id
       from receipts r
       join donations d on d.id = r.donation_id
       join (select year, max(sequence) as n from receipts group by year) last on last.year = r.year
       where r.void_reason = 'corrected'`,
    );
    await step(
      client,
      steps,
      'receipt counters',
      'insert into receipt_counters (year, last_sequence) select year, max(sequence) from receipts group by year',
    );
    await step(client, steps, 'vacuum analyze', 'vacuum analyze');

    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { steps, totalMs, counts: await countSeededRows(client) };
  } finally {
    await client.end();
  }
}

export async function countSeededRows(client: Client): Promise<SeedReport['counts']> {
  const grouped = async (sql: string) => {
    const { rows } = await client.query<{ k: string; n: string }>(sql);
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  };
  const one = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  return {
    donors: await one('select count(*) as n from donors'),
    donations: await grouped('select status as k, count(*) as n from donations group by 1 order by 2 desc'),
    donationsByFrequency: await grouped('select frequency as k, count(*) as n from donations group by 1 order by 2 desc'),
    membershipDonations: await one('select count(*) as n from donations where membership_id is not null'),
    memberships: await grouped(
      "select status || case when cancel_at_period_end then ' (cancelling)' else '' end as k, count(*) as n from memberships group by 1 order by 2 desc",
    ),
    receipts: await one('select count(*) as n from receipts'),
    smithDonors: await one("select count(*) as n from donors where email ilike '%smith%' or name ilike '%smith%'"),
    databaseBytes: await one('select pg_database_size(current_database()) as n'),
  };
}
