import type { Knex } from 'knex';
import { ATTRIBUTION_COLUMNS, attributionColumnsOf, attributionSql, givenAtSql, SOURCE, sourceDrawSql } from './seed-attribution-sql';
import { outcomeByNowSql, outcomeColumnsSql, paymentMethodColumnsSql } from './seed-outcome-sql';
import type { SeedPlan } from './seed-plan';
import { STATUS_BINDINGS } from './seed-statuses';
import { idPartsSql, stripeIdSql, UUID_TABLE, uuidSql } from './seed-stripe-ids';

/**
 * Seeded one-time gifts, each a Checkout Session in payment mode as
 * POST /donate and the checkout webhooks leave it (giving/record-payment.ts,
 * apply-checkout-outcome.ts, apply-charge.ts): every donor who did not join
 * as a member gave once first, on the day `seed_donor` drew; the rest of the
 * gifts go mostly to a few loyal donors, dated by what moved them (a
 * campaign, a story) and never before their first. Attempts that never paid
 * (an expired Checkout Session) have no donor.
 */



/**
 * The gift from `r_amount` and `r_custom`: mostly a preset button, else a
 * typed amount in whole dollars ($10 to $1,000, most of them under $50), and
 * now and then a major gift; within the form's minimum and maximum. The
 * total adds lib/money.ts grossUpForFees when the donor covered the fees.
 */
const GIFT = `greatest(:min_amount::int, least(:max_amount::int,
  case when r_amount < 0.64 then (:presets::int[])[1 + floor(r_amount / 0.64 * cardinality(:presets::int[]))::int]
       when r_amount < 0.996 then round(exp(ln(10) + r_custom * r_custom * (ln(1000) - ln(10))))::int * 100
       else round(10 + r_custom * 90)::int * 10000 end))`;
const TOTAL = `case when r_fee < 0.35 then (((gift + :fee_fixed::int)::bigint * 10000 + (10000 - :fee_bps::int) - 1) / (10000 - :fee_bps::int))::int else gift end`;

export async function insertOneTimeGifts(trx: Knex.Transaction, plan: SeedPlan, extraGifts: number): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into donations (id, donor_id, status, frequency, currency, amount, fee_amount, fee_covered, amount_paid, amount_refunded,
       email, anonymous, tribute_name, comment, return_to, stripe_checkout_session_id, stripe_payment_intent_id, stripe_charge_id,
       payment_method_type, card_brand, card_last4, failure_reason, processing_at, paid_at, failed_at, dispute_status,
       ${ATTRIBUTION_COLUMNS}, created_at, updated_at)
     select ${uuidSql('seq', UUID_TABLE.donations)}, donor_id, status, 'once', :currency, total, total - gift, total > gift, amount_paid, amount_refunded,
            case when r_typed < 0.55 then donor_email end, anonymous or r_typed > 0.985,
            case when r_extra < 0.02 then (:first_names::text[])[1 + seq % cardinality(:first_names::text[])] || ' ' ||
                                          (:last_names::text[])[1 + seq * 7 % cardinality(:last_names::text[])] end,
            case when r_extra >= 0.02 and r_extra < 0.05 then (:gift_comments::text[])[1 + seq % cardinality(:gift_comments::text[])] end,
            return_to, ${stripeIdSql('cs')}, ${stripeIdSql('pi')}, case when paid_at is not null then ${stripeIdSql('ch')} end,
            payment_method_type, card_brand, card_last4, case when outcome = 'bounced' then 'async_payment_failed' end,
            processing_at, paid_at, failed_at, dispute_status, ${ATTRIBUTION_COLUMNS},
            charged_at - interval '1 minute' * (2 + 6 * r_minutes), changed_at
     from (
       select o.*, ${outcomeColumnsSql()}, ${paymentMethodColumnsSql()}, ${attributionSql()}
       from (
         select c.*, ${outcomeByNowSql()}, ${idPartsSql('seq')}, ${TOTAL} as total
         from (
           select j.*, ${GIFT} as gift,
                  case when pay_method = 'us_bank_account' and r_outcome >= 0.97 then 'bounced'
                       when r_outcome < 0.016 then 'refund' when r_outcome < 0.025 then 'partial' when r_outcome < 0.0265 then 'dispute'
                       else 'paid' end as planned_outcome
           from (
             select p.story_ix, p.campaign_ix, p.channel_ix, p.r_variant,
                    s.id as donor_id, s.email as donor_email, s.anonymous, s.pay_method, s.card_brand as method_brand, s.card_last4 as method_last4,
                    -- A gift drawn before its donor's first one moves to some day after it, and loses the campaign or story of the day it left.
                    case when p.first or p.at >= s.first_at + interval '24 hours' then p.source else ${SOURCE.other} end as source,
                    case when p.first or p.at >= s.first_at + interval '24 hours' then p.at
                         else s.first_at + (:now::timestamptz - s.first_at) * (0.05 + 0.9 * random()) end as charged_at,
                    :gift_id_base::bigint + row_number() over () as seq,
                    random() as r_outcome, random() as r_share, random() as r_days, random() as r_amount, random() as r_custom,
                    random() as r_fee, random() as r_typed, random() as r_extra, random() as r_minutes
             from (
               select n, true as first, source, story_ix, campaign_ix, channel_ix, r_variant, first_at as at
               from seed_donor where not (member and member_first)
               union all
               select n, false, source, story_ix, campaign_ix, channel_ix, r_variant, ${givenAtSql()}
               from (
                 select d.*, ${sourceDrawSql()}
                 from (
                   -- Most donors give once; the loyal share (the lowest numbers) give most of the rest, a few of them very often.
                   select least(:donors::int, 1 + floor(:donors::int * case when random() < 0.85 then :loyal_share::float8 * power(random(), 1.2) else random() end)::int) as n,
                          random() as r_source, random() as r_pick, random() as r_channel, random() as r_when, random() as r_variant
                   from generate_series(1, :extras::int) offset 0
                 ) d offset 0
               ) e offset 0
             ) p
             join seed_donor s on s.n = p.n offset 0
           ) j offset 0
         ) c offset 0
       ) o offset 0
     ) x`,
    { ...plan.bindings, ...STATUS_BINDINGS, donors: plan.sizes.donors, extras: extraGifts },
  );
  return rowCount ?? 0;
}

/**
 * Checkout Sessions opened and never paid: `abandoned` once Stripe expired
 * them (after 24 hours), still `pending` if opened within the last day. The
 * reader may have typed an address (someone who gives at another time).
 */
export async function insertAbandonedGifts(trx: Knex.Transaction, plan: SeedPlan, attempts: number): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into donations (id, status, frequency, currency, amount, fee_amount, fee_covered, email, return_to, stripe_checkout_session_id,
       abandoned_at, ${ATTRIBUTION_COLUMNS}, created_at, updated_at)
     select ${uuidSql('a.seq', UUID_TABLE.donations)}, case when a.expires_at <= :now::timestamptz then :abandoned else :pending end, 'once', :currency, a.total, a.total - a.gift, a.total > a.gift,
            s.email, a.return_to, ${stripeIdSql('cs', 'a')},
            case when a.expires_at <= :now::timestamptz then a.expires_at end, ${attributionColumnsOf('a')},
            a.opened_at, least(a.expires_at, :now::timestamptz)
     from (
       select b.*, ${TOTAL} as total, ${attributionSql()}, ${idPartsSql('seq')}, opened_at + interval '24 hours' as expires_at
       from (
         select c.*, ${GIFT} as gift, ${givenAtSql()} as opened_at
         from (
           select d.*, ${sourceDrawSql()}
           from (
             select :attempt_id_base::bigint + g as seq, 1 + floor(random() * :donors::int)::int as typist,
                    random() as r_source, random() as r_pick, random() as r_channel, random() as r_when, random() as r_variant,
                    random() as r_amount, random() as r_custom, random() as r_fee, random() as r_typed
             from generate_series(1, :attempts::int) g offset 0
           ) d offset 0
         ) c offset 0
       ) b offset 0
     ) a
     left join seed_donor s on s.n = a.typist and a.r_typed < 0.45`,
    { ...plan.bindings, ...STATUS_BINDINGS, donors: plan.sizes.donors, attempts },
  );
  return rowCount ?? 0;
}
