import { formatMoney } from '../lib/money';
import { isCancelling, isLive, isPaying, MEMBERSHIP_STATUS_LABELS, type MembershipStatus } from '../members/membership-status';

export interface MembershipSummaryRow {
  status: string;
  amount: number;
  currency: string;
  interval: string;
  cancel_at_period_end: boolean;
}

/** A membership as staff read it: its amount, its status in words, and a tone for the tag. */
export function membershipLabel(m: MembershipSummaryRow): { amount: string; status: string; tone: 'ok' | 'warn' | 'off' } {
  const amount = `${formatMoney(m.amount, m.currency)} a ${m.interval}`;
  if (isCancelling(m)) return { amount, status: 'Cancelling at period end', tone: 'warn' };
  const status = MEMBERSHIP_STATUS_LABELS[m.status as MembershipStatus] ?? m.status;
  const tone = isPaying(m.status) ? 'ok' : isLive(m.status) ? 'warn' : 'off';
  return { amount, status, tone };
}

/** The membership that says most about a donor now: a live one, else the latest (rows newest first). */
export function membershipSummary(rows: MembershipSummaryRow[]) {
  const shown = rows.find((m) => isLive(m.status)) ?? rows[0];
  return shown ? membershipLabel(shown) : null;
}
