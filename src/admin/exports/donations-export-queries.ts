import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { netPaidSql, PAID_DONATION_STATUSES, STAFF_LISTED_DONATION_STATUSES, type DonationStatus } from '../../giving/donation-status';
import type { Frequency } from '../../giving/frequency';
import type { ReportPeriod } from '../report-period';
import { PERIOD_BOUNDS_SELECT, periodBoundsBindings } from '../revenue-report-queries';
import { dateColumn, moneyColumn, textColumn } from './export-sql';

/**
 * donations.csv: one row per payment a staff donor record lists (paid,
 * refunded, disputed, failed; not Checkout attempts that took no money), in
 * the period by the time the payment happened (paid, else failed), oldest
 * first.
 */
export interface DonationsExportCriteria {
  period: ReportPeriod;
  timezone: string;
  status: DonationStatus | '';
  frequency: Frequency | '';
  campaign: string;
}

/** When a payment happened: paid, or failed; a listed payment has one or the other (created is the fallback). */
const HAPPENED_AT = 'coalesce(g.paid_at, g.failed_at, g.created_at)';

export function donationsExportQuery(db: Db, criteria: DonationsExportCriteria): Knex.QueryBuilder {
  const { timezone } = criteria;
  const query = db
    .with('bounds', db.raw(PERIOD_BOUNDS_SELECT, periodBoundsBindings(criteria.period, timezone)))
    .from('donations as g')
    .crossJoin(db.raw('bounds as b'))
    .leftJoin('donors as d', 'd.id', 'g.donor_id')
    .leftJoin('memberships as m', 'm.id', 'g.membership_id')
    .leftJoin('stripe_charges as c', 'c.id', 'g.stripe_charge_id')
    // The receipt in force: a refund in full voided it (none stands), a partial one replaced it.
    .leftJoin('receipts as r', (join) => join.on('r.donation_id', 'g.id').andOnNull('r.voided_at'))
    .whereRaw(`${HAPPENED_AT} >= b.starts and ${HAPPENED_AT} < b.ends`)
    .whereIn('g.status', criteria.status ? [criteria.status] : STAFF_LISTED_DONATION_STATUSES)
    .orderByRaw(`${HAPPENED_AT}, g.id`)
    .select(
      'g.id as donation_id',
      dateColumn(db, HAPPENED_AT, timezone, 'date'),
      db.raw(`to_char(${HAPPENED_AT} at time zone ?, 'HH24:MI') as time`, [timezone]),
      'g.donor_id',
      textColumn(db, 'd.name', 'donor_name'),
      textColumn(db, 'd.email', 'donor_email'),
      db.raw('upper(g.currency) as currency'),
      moneyColumn(db, 'coalesce(g.amount_paid, g.amount)', 'amount'),
      moneyColumn(db, 'case when g.fee_covered then g.fee_amount else 0 end', 'fee_covered'),
      moneyColumn(db, 'g.amount_refunded', 'refunded'),
      // Net of refunds for money that arrived; nothing for a failed or disputed payment (the dashboard and reports leave those out too).
      moneyColumn(db, `case when g.status = any(?) then ${netPaidSql('g')} else 0 end`, 'net', [[...PAID_DONATION_STATUSES]]),
      'g.status',
      'g.frequency',
      'r.number as receipt_number',
      textColumn(db, 'coalesce(g.card_brand, c.card_brand)', 'card_brand'),
      textColumn(db, 'g.article_url', 'article_url'),
      textColumn(db, 'g.article_title', 'article_title'),
      textColumn(db, 'g.campaign', 'campaign'),
      textColumn(db, 'g.utm_source', 'utm_source'),
      textColumn(db, 'g.utm_medium', 'utm_medium'),
      textColumn(db, 'g.utm_campaign', 'utm_campaign'),
      textColumn(db, 'g.utm_content', 'utm_content'),
      'g.stripe_checkout_session_id',
      'g.stripe_payment_intent_id',
      'g.stripe_invoice_id',
      'g.stripe_charge_id',
      'd.stripe_customer_id',
      'm.stripe_subscription_id',
    );
  if (criteria.frequency) query.where('g.frequency', criteria.frequency);
  if (criteria.campaign) query.where('g.campaign', criteria.campaign);
  return query;
}
