import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import { yearInTimeZone } from '../receipts/receipt-number';
import { donorLevel } from '../members/levels';
import type { MembershipRow } from '../members/membership-queries';
import { toMajorString } from '../lib/money';
import type { Settings } from '../settings/settings';

const STATUS_LABEL: Record<string, string> = {
  succeeded: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  disputed: 'Disputed',
};
const MEMBERSHIP_STATUS: Record<string, string> = {
  active: 'Active',
  trialing: 'Active',
  past_due: 'Payment failed',
  unpaid: 'Payment failed',
  incomplete: 'Starting',
  canceled: 'Ended',
};
const MEMBERSHIP_SHOWN = new Set(Object.keys(MEMBERSHIP_STATUS));
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid']);
const FREQUENCY_LABEL: Record<string, string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };

/** What a signed-in donor sees: every gift with its receipt in force, and a statement per year. */
export async function accountPageModel(db: Db, donorId: string, settings: Settings) {
  const donor: { name: string | null; email: string } = await db('donors').where({ id: donorId }).first('name', 'email');
  const gifts: {
    id: string;
    paid_at: Date;
    amount_paid: number;
    amount_refunded: number;
    currency: string;
    status: string;
    frequency: string;
    receipt_number: string | null;
  }[] = await db('donations as d')
    .leftJoin('receipts as r', function joinReceiptInForce() {
      this.on('r.donation_id', 'd.id').andOnNull('r.voided_at');
    })
    .where('d.donor_id', donorId)
    .whereIn('d.status', Object.keys(STATUS_LABEL))
    .orderBy('d.paid_at', 'desc')
    .select('d.id', 'd.paid_at', 'd.amount_paid', 'd.amount_refunded', 'd.currency', 'd.status', 'd.frequency', 'r.number as receipt_number');
  const timezone = settings.organization.timezone;
  const memberships: MembershipRow[] = await db('memberships')
    .where({ donor_id: donorId })
    .whereIn('status', [...MEMBERSHIP_SHOWN])
    .orderBy('created_at', 'desc');
  const { level, yearly } = await donorLevel(db, donorId, settings);
  const years = [...new Set(gifts.filter((g) => g.receipt_number).map((g) => yearInTimeZone(g.paid_at, timezone)))];
  return {
    title: 'Your giving',
    donorName: donor.name,
    email: donor.email,
    gifts: gifts.map((g) => ({
      date: formatDateInTimeZone(g.paid_at, timezone),
      amount: formatMoney(g.amount_paid, g.currency),
      refunded: g.amount_refunded > 0 ? formatMoney(g.amount_refunded, g.currency) : null,
      status: STATUS_LABEL[g.status] ?? g.status,
      kind: FREQUENCY_LABEL[g.frequency] ?? g.frequency,
      receiptNumber: g.receipt_number,
    })),
    years: years.sort((a, b) => b - a),
    level: { name: level.name, yearly: formatMoney(yearly, settings.giving.currency) },
    memberships: memberships.map((m) => ({
      id: m.id,
      status: m.status,
      statusLabel: MEMBERSHIP_STATUS[m.status] ?? m.status,
      amount: `${formatMoney(m.amount, m.currency)} a ${m.interval}`,
      amountValue: toMajorString(m.amount),
      live: LIVE.has(m.status),
      pastDue: m.status === 'past_due' || m.status === 'unpaid',
      cancelPending: m.cancel_at_period_end && m.status !== 'canceled',
      nextDate: m.current_period_end ? formatDateInTimeZone(m.current_period_end, timezone) : null,
      endedDate: m.ended_at ? formatDateInTimeZone(m.ended_at, timezone) : null,
      interval: m.interval,
    })),
  };
}
