/**
 * What became of a seeded payment, as select-list SQL over the columns
 * `planned_outcome` (`paid`, `refund`, `partial`, `dispute` or `bounced`:
 * what happens, not status words; the status follows from it and from the
 * time), `charged_at` (when the money moved or, for a bank debit, when it
 * started to), `pay_method`, `total`, `r_share` and `r_days` (random numbers
 * in [0, 1)). The columns match what the payment's webhooks leave:
 *
 * - a refund (`charge.refunded`) some days after the payment: `refunded`
 *   for all of it, `partially_refunded` with the amount for part of it
 *   (giving/donation-status.ts `statusAfterRefunds`);
 * - a dispute (`charge.dispute.*`) three to eight weeks later, if that is
 *   past: still open (`disputed`, needs_response / under_review), lost
 *   (stays `disputed`), or won (back to `succeeded`, dispute_status won);
 * - a bank debit (us_bank_account) settles four days after Checkout:
 *   `processing` until then (pending, processing_at set), or `failed`
 *   (`checkout.session.async_payment_failed`: outcome `bounced`).
 *
 * Statuses come in as the `STATUS_BINDINGS` named bindings.
 */

/** A bank debit settles (or fails) four days after the donor finished Checkout. */
const BANK_DEBIT_DAYS = 4;
// Hours, not days, in per-row arithmetic: adding days to a timestamptz works out the time zone's calendar, an hour is plain arithmetic.
/** When a bank debit's money arrived, else when the card was charged; refunds and disputes come after it. */
const SETTLED_AT = `case when pay_method = 'us_bank_account' then charged_at + interval '${BANK_DEBIT_DAYS * 24} hours' else charged_at end`;
const disputeAt = (settled: string) => `${settled} + interval '24 hours' * (20 + 40 * r_days)`;
const DISPUTE_OPEN = `:now::timestamptz - (${disputeAt('settled_at')}) < interval '45 days'`;
const REFUND_AT = `least(settled_at + interval '24 hours' * (1 + 20 * r_days), :now::timestamptz)`;

/**
 * The outcome actually reached by now: a bank debit still in flight is
 * processing whatever it will become, and a dispute not yet opened leaves a
 * plain payment. Select-list SQL giving `outcome` (from `planned_outcome`)
 * and `settled_at`.
 */
export function outcomeByNowSql(): string {
  return `case when pay_method = 'us_bank_account' and charged_at + interval '${BANK_DEBIT_DAYS * 24} hours' > :now::timestamptz then 'processing'
              when planned_outcome = 'dispute' and ${disputeAt(`(${SETTLED_AT})`)} > :now::timestamptz then 'paid'
              else planned_outcome end as outcome,
         ${SETTLED_AT} as settled_at`;
}

/** The columns the outcome determines, from the columns outcomeByNowSql() gives. */
export function outcomeColumnsSql(): string {
  return `
    case outcome when 'paid' then :succeeded when 'refund' then :refunded when 'partial' then :partially_refunded
                 when 'processing' then :pending when 'bounced' then :failed
                 else case when ${DISPUTE_OPEN} or r_share < 0.5 then :disputed else :succeeded end end as status,
    case when outcome not in ('processing', 'bounced') then total end as amount_paid,
    case outcome when 'refund' then total
                 when 'partial' then greatest(1, least(total - 1, round(total * (0.15 + 0.6 * r_share))::int))
                 else 0 end as amount_refunded,
    case when outcome = 'dispute' then case when ${DISPUTE_OPEN} then case when r_share < 0.5 then 'needs_response' else 'under_review' end
                                            when r_share < 0.5 then 'lost' else 'won' end end as dispute_status,
    case when outcome not in ('processing', 'bounced') then settled_at end as paid_at,
    case when outcome = 'bounced' then settled_at end as failed_at,
    case when pay_method = 'us_bank_account' then charged_at end as processing_at,
    case outcome when 'refund' then ${REFUND_AT} when 'partial' then ${REFUND_AT}
                 when 'dispute' then least(${disputeAt('settled_at')} + case when ${DISPUTE_OPEN} then interval '0 hours' else interval '960 hours' end, :now::timestamptz)
                 when 'processing' then charged_at
                 else settled_at end as changed_at`;
}

/**
 * Payment method columns, as charge facts give them (a card's brand and last
 * four, a bank account's last four, nothing for Link), from the donor's
 * `pay_method`, `method_brand` and `method_last4`.
 */
export function paymentMethodColumnsSql(): string {
  return `
    case when outcome not in ('processing', 'bounced') then pay_method end as payment_method_type,
    case when outcome not in ('processing', 'bounced') and pay_method = 'card' then method_brand end as card_brand,
    case when outcome not in ('processing', 'bounced') and pay_method <> 'link' then method_last4 end as card_last4`;
}
