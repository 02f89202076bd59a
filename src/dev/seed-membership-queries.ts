import type { Knex } from 'knex';
import { ATTRIBUTION_COLUMNS, attributionColumnsOf, attributionSql, givenAtSql, SOURCE, sourceDrawSql } from './seed-attribution-sql';
import { outcomeByNowSql, outcomeColumnsSql, paymentMethodColumnsSql } from './seed-outcome-sql';
import type { SeedPlan } from './seed-plan';
import { STATUS_BINDINGS } from './seed-statuses';
import { idPartsSql, stripeIdSql, UUID_TABLE, uuidSql } from './seed-stripe-ids';

/**
 * Seeded memberships and their payments. Each member's subscription is
 * drawn whole in `seed_membership` (a temporary table dropped at commit): its
 * start, amount, how many periods it ran and how it ended, as Stripe would
 * have billed it. Then `memberships` gets the subscription as the
 * `customer.subscription.*` events leave it, and `donations` one row per paid
 * invoice (`invoice.paid`, giving/record-invoice-payment.ts): the invoice id,
 * the membership's attribution, fee split and anonymity. A failed renewal
 * writes no donation (the app records payments, not attempts); it leaves the
 * membership past due, and canceled once Stripe's retries run out.
 */

/** Stripe's retries for a failed renewal: one every three days, then the subscription is canceled after two weeks. */
const DUNNING = "interval '337 hours'";
const RETRY_SECONDS = 3 * 86_400;

/** Canceled at once (by staff, in Stripe's dashboard): some time in the period, after its invoice was paid (an hour into it). */
const CANCELED_NOW = "cps + interval '1 hour' + (cpe - cps - interval '1 hour') * r_when";


export async function stageMemberships(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `create temporary table seed_membership on commit drop as
     with drawn as (
       select s.id as donor_id, s.member_k as k, s.email as donor_email, s.anonymous, s.first_at, s.member_first,
              case when s.member_first then s.source else ${SOURCE.other} end as source, s.story_ix, s.campaign_ix, s.channel_ix, s.r_variant,
              s.pay_method, s.card_brand, s.card_last4,
              random() as r_interval, random() as r_amount, random() as r_fee, random() as r_start, random() as r_life, random() as r_end,
              random() as r_when, random() as r_cancel, random() as r_feedback, random() as r_comment, random() as r_typed, random() as r_minutes,
              ${idPartsSql('s.member_k')}
       from seed_donor s where s.member
     ), started as (
       select d.*, r_interval < 0.86 as monthly,
              case when r_interval < 0.86 then interval '1 month' else interval '1 year' end as unit,
              -- Most members joined with their first gift; the others after giving once or more.
              case when member_first then first_at else first_at + (:now::timestamptz - first_at) * (0.1 + 0.85 * r_start) end as started_at,
              case when r_interval < 0.86 then (:monthly_amounts::int[])[1 + floor(r_amount * cardinality(:monthly_amounts::int[]))::int]
                   else (:yearly_amounts::int[])[1 + floor(r_amount * cardinality(:yearly_amounts::int[]))::int] end as gift
       from drawn d offset 0
     ), counted as (
       select s.*,
              (case when monthly then extract(year from age(:now::timestamptz, started_at)) * 12 + extract(month from age(:now::timestamptz, started_at))
                    else extract(year from age(:now::timestamptz, started_at)) end)::int as e0,
              -- Periods paid before the member leaves: about 3 % of monthly members leave each month, a quarter of yearly ones each year.
              1 + floor(-ln(1 - r_life) / case when monthly then 0.03 else 0.3 end)::int as life,
              -- The fee coverage gross-up of lib/money.ts grossUpForFees, in integers.
              case when r_fee < 0.25 then (((gift + :fee_fixed::int)::bigint * 10000 + (10000 - :fee_bps::int) - 1) / (10000 - :fee_bps::int))::int else gift end as total
       from started s offset 0
     ), elapsed as (
       -- e: the index of the last billing date on or before now (billing date i is started_at + i periods).
       select c.*, e0 + case when started_at + unit * (e0 + 1) <= :now::timestamptz then 1 when started_at + unit * e0 > :now::timestamptz then -1 else 0 end as e
       from counted c offset 0
     ), fated as (
       select x.*,
              case when life <= e then case when r_end < 0.62 then 'period_end' when r_end < 0.74 then 'now' else 'payment_failed' end
                   when e >= 1 and r_cancel < 0.045 and :now::timestamptz - (started_at + unit * e) between interval '1 hour' and interval '336 hours' then 'failing'
                   when r_cancel < 0.125 then 'cancelling'
                   else 'running' end as fate
       from elapsed x offset 0
     ), periods as (
       select f.*,
              case fate when 'period_end' then life - 1 when 'now' then life - 1 when 'payment_failed' then life else e end as period_index,
              case when fate in ('period_end', 'now', 'payment_failed') then life when fate = 'failing' then e else e + 1 end as paid
       from fated f offset 0
     ), timed as (
       select p.*, started_at + unit * period_index as cps, started_at + unit * (period_index + 1) as cpe,
              (fate = 'payment_failed' and started_at + unit * period_index + ${DUNNING} <= :now::timestamptz) as dunned
       from periods p offset 0
     ), ended as (
       select t.*,
              case when fate = 'period_end' or fate = 'now' or dunned then :m_canceled
                   when fate in ('payment_failed', 'failing') then :m_past_due else :m_active end as status,
              case when fate = 'period_end' then cps + (cpe - cps) * r_when
                   when fate = 'now' then ${CANCELED_NOW}
                   when dunned then cps + ${DUNNING}
                   when fate = 'cancelling' then cps + (:now::timestamptz - cps) * r_when end as canceled_at,
              case when fate = 'period_end' then cpe when fate = 'now' then ${CANCELED_NOW} when dunned then cps + ${DUNNING} end as ended_at,
              -- The last retry of a renewal still failing.
              cps + interval '1 hour' + interval '${RETRY_SECONDS} seconds' * floor(greatest(0, extract(epoch from :now::timestamptz - cps - interval '1 hour')) / ${RETRY_SECONDS}) as last_attempt,
              -- The last paid invoice: the first at checkout, a renewal an hour after its billing date.
              least(started_at + unit * (paid - 1) + case when paid > 1 then interval '1 hour' else interval '0 hours' end, :now::timestamptz) as last_paid_at
       from timed t offset 0
     )
     select ${uuidSql('k', UUID_TABLE.memberships)} as id, e.*,
            ${stripeIdSql('sub')} as subscription_id, ${stripeIdSql('cs')} as checkout_session_id,
            fate in ('period_end', 'cancelling') as cancel_at_period_end,
            case when fate in ('period_end', 'now', 'cancelling') then 'cancellation_requested' when dunned then 'payment_failed' end as cancellation_reason,
            case when fate in ('period_end', 'cancelling') and r_feedback < 0.6 or fate = 'now' and r_feedback < 0.25
                 then (:feedback::text[])[1 + floor(r_feedback / 0.6 * cardinality(:feedback::text[]))::int] end as cancellation_feedback,
            case when fate in ('period_end', 'cancelling') and r_comment >= 0.85
                 then (:cancellation_comments::text[])[1 + floor((r_comment - 0.85) / 0.15 * cardinality(:cancellation_comments::text[]))::int] end as cancellation_comment,
            case when ended_at is not null then ended_at when fate in ('payment_failed', 'failing') then last_attempt
                 when fate = 'cancelling' then canceled_at else cps end as snapshot_at,
            case when ended_at is not null then ended_at when fate in ('payment_failed', 'failing') then last_attempt
                 when fate = 'cancelling' then greatest(canceled_at, last_paid_at) else last_paid_at end as status_at,
            case when r_typed < 0.4 then donor_email end as typed_email,
            case when r_comment < 0.02 then (:gift_comments::text[])[1 + floor(r_comment / 0.02 * cardinality(:gift_comments::text[]))::int] end as comment,
            ${attributionSql()}
     from ended e`,
    { ...plan.bindings, ...STATUS_BINDINGS },
  );
  await trx.raw('analyze seed_membership');
  return rowCount ?? 0;
}

export async function insertMemberships(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into memberships (id, donor_id, stripe_subscription_id, stripe_customer_id, stripe_checkout_session_id, status, currency, amount,
       fee_amount, fee_covered, interval, current_period_start, current_period_end, cancel_at_period_end, canceled_at, ended_at,
       cancellation_reason, cancellation_feedback, cancellation_comment, snapshot_at, status_at, email, anonymous, comment, return_to,
       ${ATTRIBUTION_COLUMNS}, created_at, updated_at)
     select m.id, m.donor_id, m.subscription_id, d.stripe_customer_id, m.checkout_session_id, m.status, :currency, m.total,
            m.total - m.gift, m.total > m.gift, case when m.monthly then 'month' else 'year' end, m.cps, m.cpe, m.cancel_at_period_end,
            m.canceled_at, m.ended_at, m.cancellation_reason, m.cancellation_feedback, m.cancellation_comment, m.snapshot_at, m.status_at,
            m.typed_email, m.anonymous, m.comment, m.return_to, ${attributionColumnsOf('m')},
            m.started_at - interval '1 minute' * (2 + 6 * m.r_minutes), greatest(m.snapshot_at, m.status_at)
     from seed_membership m join donors d on d.id = m.donor_id`,
    plan.bindings,
  );
  return rowCount ?? 0;
}

/**
 * One donation per paid invoice: the first at checkout, each renewal an hour
 * after its billing date (when Stripe finalizes and charges), a few paid days
 * late after a retry. Renewals are rarely refunded or disputed.
 */
export async function insertMembershipPayments(trx: Knex.Transaction, plan: SeedPlan): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into donations (id, donor_id, membership_id, status, frequency, currency, amount, fee_amount, fee_covered, amount_paid, amount_refunded,
       anonymous, stripe_invoice_id, stripe_payment_intent_id, stripe_charge_id, payment_method_type, card_brand, card_last4,
       processing_at, paid_at, failed_at, dispute_status, ${ATTRIBUTION_COLUMNS}, created_at, updated_at)
     select ${uuidSql('seq', UUID_TABLE.donations)}, donor_id, id, status, case when monthly then 'monthly' else 'annual' end, :currency, total, fee, fee > 0, amount_paid, amount_refunded,
            anonymous, ${stripeIdSql('in')}, ${stripeIdSql('pi')}, ${stripeIdSql('ch')}, payment_method_type, card_brand, card_last4,
            null, paid_at, null, dispute_status, ${ATTRIBUTION_COLUMNS}, paid_at, changed_at
     from (
       select o.*, ${outcomeColumnsSql()}, ${paymentMethodColumnsSql()}
       from (
         select c.*, ${outcomeByNowSql()}, ${idPartsSql('seq')},
                -- lib/money.ts feePortion: what a fee-covering total gave to fees.
                case when total > gift then least(total - 1, greatest(0, round(total * :fee_bps::int / 10000.0)::int + :fee_fixed::int)) else 0 end as fee
         from (
           select r.*,
                  case when i = 0 then started_at
                       -- The latest invoice paid on time: a late one would postdate the membership's status.
                       when r_late < 0.03 and i < paid - 1 and started_at + unit * i + interval '192 hours' < :now::timestamptz
                         then started_at + unit * i + interval '1 hour' + interval '72 hours' * (1 + floor(r_late / 0.015))
                       else started_at + unit * i + interval '1 hour' end as charged_at,
                  case when r_outcome < 0.004 then 'refund' when r_outcome < 0.006 then 'partial' when r_outcome < 0.0065 then 'dispute' else 'paid' end as planned_outcome
           from (
             select m.id, m.donor_id, m.monthly, m.unit, m.started_at, m.paid, m.total, m.gift, m.anonymous, m.card_brand as method_brand, m.card_last4 as method_last4,
                    ${attributionColumnsOf('m')},
                    -- Renewals by bank debit are charged like cards here: an invoice's donation appears once it is paid either way.
                    case when m.pay_method = 'us_bank_account' then 'card' else m.pay_method end as pay_method,
                    i, row_number() over () as seq, random() as r_share, random() as r_days, random() as r_late, random() as r_outcome
             from seed_membership m
             cross join lateral generate_series(0, m.paid - 1) i offset 0
           ) r offset 0
         ) c offset 0
       ) o offset 0
     ) x
     where paid_at <= :now::timestamptz`,
    { ...plan.bindings, ...STATUS_BINDINGS },
  );
  return rowCount ?? 0;
}

/**
 * Membership Checkouts never finished: the pending row POST /donate wrote,
 * `abandoned` once its session expired (24 hours), `pending` within the
 * last day. No subscription, no donor.
 */
export async function insertAbandonedMemberships(trx: Knex.Transaction, plan: SeedPlan, attempts: number): Promise<number> {
  const { rowCount } = await trx.raw(
    `insert into memberships (id, stripe_checkout_session_id, status, currency, amount, fee_amount, fee_covered, interval, status_at,
       return_to, ${ATTRIBUTION_COLUMNS}, created_at, updated_at)
     select ${uuidSql('seq', UUID_TABLE.memberships)}, ${stripeIdSql('cs')}, case when expires_at <= :now::timestamptz then :m_abandoned else :m_pending end, :currency, gift, 0, false,
            case when monthly then 'month' else 'year' end, case when expires_at <= :now::timestamptz then expires_at end,
            return_to, ${ATTRIBUTION_COLUMNS}, opened_at, least(expires_at, :now::timestamptz)
     from (
       select c.*, t.opened_at, ${attributionSql()}, t.opened_at + interval '24 hours' as expires_at
       from (
         select d.*, ${sourceDrawSql()}, ${idPartsSql('seq')},
                case when monthly then (:monthly_amounts::int[])[1 + floor(r_amount * cardinality(:monthly_amounts::int[]))::int]
                     else (:yearly_amounts::int[])[1 + floor(r_amount * cardinality(:yearly_amounts::int[]))::int] end as gift
         from (
           select :members::int + g as seq, random() < 0.86 as monthly, random() as r_amount,
                  random() as r_source, random() as r_pick, random() as r_channel, random() as r_when, random() as r_variant
           from generate_series(1, :attempts::int) g offset 0
         ) d offset 0
       ) c
       cross join lateral (select ${givenAtSql()} as opened_at) t offset 0
     ) a`,
    { ...plan.bindings, ...STATUS_BINDINGS, members: plan.sizes.memberships, attempts },
  );
  return rowCount ?? 0;
}
