import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { KEPT_DONATION_STATUSES, netPaidSql } from '../../giving/donation-status';
import {
  ENDED_MEMBERSHIP_STATUSES,
  LISTED_MEMBERSHIP_STATUSES,
  LIVE_MEMBERSHIP_STATUSES,
  PAYING_MEMBERSHIP_STATUSES,
  type MembershipStatus,
} from '../../members/membership-status';
import type { ReportPeriod } from '../report-period';
import { PERIOD_BOUNDS_SELECT, periodBoundsBindings } from '../revenue-report-queries';
import { dateColumn, moneyColumn, textColumn } from './export-sql';

/**
 * memberships.csv: one row per membership that ran at some time in the
 * period (began on or before its last day, and had not ended before its
 * first), of the statuses staff see listed, oldest first.
 */
export interface MembershipsExportCriteria {
  period: ReportPeriod;
  timezone: string;
  status: MembershipStatus | '';
}

/** When the membership began: its first payment, or the Checkout that started it when none was made yet. */
const STARTED_AT = 'coalesce(p.first_paid_at, m.created_at)';

export function membershipsExportQuery(db: Db, criteria: MembershipsExportCriteria): Knex.QueryBuilder {
  const { timezone } = criteria;
  // Payments made count what was kept (a payment refunded in full gave nothing); lifetime is net of refunds.
  const payments = db('donations')
    .whereNotNull('membership_id')
    .whereIn('status', KEPT_DONATION_STATUSES)
    .groupBy('membership_id')
    .select('membership_id', db.raw('count(*) as payments'), db.raw(`sum(${netPaidSql()}) as lifetime`), db.raw('min(paid_at) as first_paid_at'));
  const query = db
    .with('bounds', db.raw(PERIOD_BOUNDS_SELECT, periodBoundsBindings(criteria.period, timezone)))
    .with('payments', payments)
    .from('memberships as m')
    .crossJoin(db.raw('bounds as b'))
    .leftJoin('donors as d', 'd.id', 'm.donor_id')
    .leftJoin('payments as p', 'p.membership_id', 'm.id')
    .whereRaw(`${STARTED_AT} < b.ends`)
    .where((w) => w.whereNull('m.ended_at').orWhereRaw('m.ended_at >= b.starts'))
    .whereIn('m.status', criteria.status ? [criteria.status] : LISTED_MEMBERSHIP_STATUSES)
    .orderByRaw(`${STARTED_AT}, m.id`)
    .select(
      'm.id as membership_id',
      'm.donor_id',
      textColumn(db, 'd.name', 'donor_name'),
      textColumn(db, 'd.email', 'donor_email'),
      'm.status',
      db.raw('upper(m.currency) as currency'),
      moneyColumn(db, 'm.amount', 'amount'),
      'm.interval',
      dateColumn(db, STARTED_AT, timezone, 'started'),
      // Only a membership in good standing and not set to end has a next payment: one in
      // arrears waits on a card being fixed (members/membership-status.ts), so its date is no promise.
      db.raw(`case when m.status = any(?) and not m.cancel_at_period_end then to_char(m.current_period_end at time zone ?, 'YYYY-MM-DD') end as next_payment`, [
        [...PAYING_MEMBERSHIP_STATUSES],
        timezone,
      ]),
      // The end: when it ended, or when one still running is set to end.
      db.raw(
        `case when m.status = any(?) then to_char(coalesce(m.ended_at, m.canceled_at) at time zone ?, 'YYYY-MM-DD')
              when m.status = any(?) and m.cancel_at_period_end then to_char(m.current_period_end at time zone ?, 'YYYY-MM-DD') end as ends`,
        [[...ENDED_MEMBERSHIP_STATUSES], timezone, [...LIVE_MEMBERSHIP_STATUSES], timezone],
      ),
      // Stripe's cancellation_details, kept by members/apply-subscription.ts: its reason, and the donor's own feedback and comment.
      textColumn(db, 'm.cancellation_reason', 'cancellation_reason'),
      textColumn(db, 'm.cancellation_feedback', 'cancellation_feedback'),
      textColumn(db, 'm.cancellation_comment', 'cancellation_comment'),
      db.raw('coalesce(p.payments, 0) as payments_made'),
      moneyColumn(db, 'coalesce(p.lifetime, 0)', 'lifetime'),
      'm.stripe_subscription_id',
    );
  return query;
}
