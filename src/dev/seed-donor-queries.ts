import type { Knex } from 'knex';
import { givenAtSql, SOURCE, sourceDrawSql } from './seed-attribution-sql';
import type { SeedPlan } from './seed-plan';
import { customerIdSql, UUID_TABLE, uuidSql } from './seed-stripe-ids';

/**
 * Seeded donors. `seed_donor`, a temporary table dropped at commit, holds
 * each donor's draw (when and how they first gave, whether they became a
 * member, their card) for the statements that seed their gifts; `donors`
 * gets what the webhooks would have recorded: the Checkout customer's email,
 * name and address, and their Stripe customer id, from their first gift on.
 */

/** Donors numbered within the loyal share (who get most repeat gifts, seed-gift-queries.ts), and a third of the members. */
const EARLY = 'n <= :loyal_share::float8 * :donors::int or (member and r_early < 0.35)';
const ACCENTED = "ÁÉÍÓÚáéíóúÑñÇçËëÏïÖöÜü";
const PLAIN = 'AEIOUaeiouNnCcEeIiOoUu';

export async function stageDonors(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `create temporary table seed_donor on commit drop as
     with drawn as (
       select n, random() as r_source, random() as r_pick, random() as r_channel, random() as r_when, random() as r_variant,
              random() as r_name, random() as r_email, random() as r_digits, random() as r_domain, random() as r_pay,
              random() as r_card, random() as r_last4, random() as r_member, random() as r_anonymous, random() as r_early,
              -- Exactly as many members as asked for, spread evenly over the donors.
              floor(n::bigint * :memberships::int / :donors::int) > floor((n - 1)::bigint * :memberships::int / :donors::int) as member,
              (:first_names::text[])[1 + floor(random() * cardinality(:first_names::text[]))::int] as first_name,
              (:last_names::text[])[1 + floor(random() * cardinality(:last_names::text[]))::int] as last_name
       from generate_series(1, :donors::int) n
     ), sourced as (
       select d.*, ${sourceDrawSql()} from drawn d offset 0
     ), dated as (
       select s.*,
              -- Supporters from before the history began (the loyal donors, a third of the members) give from its first months on.
              case when ${EARLY} then :t0::timestamptz + (:now::timestamptz - :t0::timestamptz - interval '1 hour') * power(r_when, 3)
                   else ${givenAtSql()} end as first_at,
              lower(translate(first_name, '${ACCENTED}'' -', '${PLAIN}')) as f,
              lower(translate(last_name, '${ACCENTED}'' -', '${PLAIN}')) as l
       from sourced s offset 0
     ), addressed as (
       select d.*,
              -- Inboxes as people pick them: first.last, flast, a birth year...
              case when r_email < 0.30 then f || '.' || l
                   when r_email < 0.44 then f || l
                   when r_email < 0.58 then substr(f, 1, 1) || l
                   when r_email < 0.68 then f || '.' || l || lpad(((55 + floor(r_digits * 50)::int) % 100)::text, 2, '0')
                   when r_email < 0.77 then f || '_' || l
                   when r_email < 0.85 then f || substr(l, 1, 1)
                   when r_email < 0.92 then l || '.' || f
                   else f || (1950 + floor(r_digits * 55)::int)::text end as local_part,
              (:domains::text[])[1 + floor(r_domain * cardinality(:domains::text[]))::int] as domain
       from dated d offset 0
     )
     select n, ${uuidSql('n', UUID_TABLE.donors)} as id, first_at, case when ${EARLY} then ${SOURCE.other} else source end as source,
            story_ix, campaign_ix, channel_ix, r_variant, member,
            floor(n::bigint * :memberships::int / :donors::int)::int as member_k,
            r_member < 0.72 as member_first,
            -- A second Maria Garcia at example.com gets her donor number after a dot, a form no first pick takes.
            local_part || case when row_number() over (partition by local_part collate "C", domain collate "C" order by n) > 1 then '.' || n else '' end
              || '@' || domain as email,
            case when r_name >= 0.03 then first_name || ' ' || last_name end as name,
            r_anonymous < 0.04 as anonymous,
            case when r_pay < 0.06 then 'link' when r_pay < 0.10 then 'us_bank_account' else 'card' end as pay_method,
            case when r_card < 0.52 then 'visa' when r_card < 0.78 then 'mastercard' when r_card < 0.92 then 'amex' else 'discover' end as card_brand,
            lpad(floor(r_last4 * 10000)::int::text, 4, '0') as card_last4
     from addressed`,
    { ...plan.bindings, donors: plan.sizes.donors, memberships: plan.sizes.memberships },
  );
  // Temporary tables are never analyzed by autovacuum; without statistics every join on them is planned blind.
  await trx.raw('analyze seed_donor');
  return rowCount ?? 0;
}

/** An appended run's donor whose address an earlier donor already has gets the run's tag in it (one donor per address). */
export async function avoidExistingEmails(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `update seed_donor s set email = split_part(s.email, '@', 1) || '.' || s.n || '.' || lower(:tag) || '@' || split_part(s.email, '@', 2)
     where exists (select 1 from donors d where lower(d.email) = s.email)`,
    plan.bindings,
  );
  return rowCount ?? 0;
}

/**
 * Donors as Checkout leaves them: created by their first gift's webhook, a
 * Stripe customer each; most cards give a country and postal code only, some
 * donors typed a full billing address.
 */
export async function insertDonors(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into donors (id, email, name, stripe_customer_id, address, created_at, updated_at)
     select id, email, name, ${customerIdSql('n')},
            case when r_address < 0.10 then null
                 else jsonb_build_object(
                   'line1', case when r_address >= 0.55 then (1 + floor(r_number * 4800)::int) || ' ' ||
                     (:streets::text[])[1 + floor(r_street * cardinality(:streets::text[]))::int] || ' ' ||
                     (:street_kinds::text[])[1 + floor(r_kind * cardinality(:street_kinds::text[]))::int] end,
                   'line2', case when r_address >= 0.55 and r_kind < 0.12 then 'Apt ' || (1 + floor(r_number * 40)::int) end,
                   'city', case when r_address >= 0.55 then (:town_names::text[])[town] end,
                   'state', case when r_address >= 0.55 then (:town_states::text[])[town] end,
                   'postal_code', (:town_zips::text[])[town] || lpad(floor(r_zip * 100)::int::text, 2, '0'),
                   'country', 'US') end,
            first_at + interval '2 seconds', first_at + interval '2 seconds'
     from (select s.*, random() as r_address, random() as r_number, random() as r_street, random() as r_kind, random() as r_zip,
                  (:towns::int[])[1 + floor(random() * cardinality(:towns::int[]))::int] as town
           from seed_donor s) x`,
    plan.bindings,
  );
  return rowCount ?? 0;
}

/** Donors whose first gift was a one-time gift (all but the members who joined with theirs). */
export async function countFirstOneTimeGifts(trx: Knex.Transaction): Promise<number> {
  const { rows } = await trx.raw('select count(*) as n from seed_donor where not (member and member_first)');
  return Number((rows[0] as { n: string | number }).n);
}
