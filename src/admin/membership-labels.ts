import { formatMoney } from '../lib/money';

/** Stripe subscription statuses as staff read them. */
export const STAFF_MEMBERSHIP_STATUS: Record<string, string> = {
  pending: 'Checkout not finished',
  incomplete: 'First payment pending',
  incomplete_expired: 'Never started',
  trialing: 'Active',
  active: 'Active',
  past_due: 'Payment failed',
  unpaid: 'Unpaid',
  paused: 'Paused',
  canceled: 'Ended',
};

const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

export interface MembershipSummaryRow {
  status: string;
  amount: number;
  currency: string;
  interval: string;
  cancel_at_period_end: boolean;
}

export function membershipLabel(m: MembershipSummaryRow): { amount: string; status: string; tone: 'ok' | 'warn' | 'off' } {
  const amount = `${formatMoney(m.amount, m.currency)} a ${m.interval}`;
  if (LIVE.has(m.status) && m.cancel_at_period_end) return { amount, status: 'Cancelling at period end', tone: 'warn' };
  const status = STAFF_MEMBERSHIP_STATUS[m.status] ?? m.status;
  const tone = m.status === 'active' || m.status === 'trialing' ? 'ok' : LIVE.has(m.status) ? 'warn' : 'off';
  return { amount, status, tone };
}

/** The membership that says most about a donor now: a live one, else the latest (rows newest first). */
export function membershipSummary(rows: MembershipSummaryRow[]) {
  const shown = rows.find((m) => LIVE.has(m.status)) ?? rows[0];
  return shown ? membershipLabel(shown) : null;
}
