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

/** Memberships still running: billed now, or due to be once a card is fixed or billing resumes. */
export const LIVE_MEMBERSHIP_STATUSES = ['active', 'trialing', 'past_due', 'unpaid', 'paused'] as const;
/**
 * Memberships that really began: live or since ended. Not `pending`,
 * `abandoned` or `failed` (our own states for a Checkout that never finished)
 * nor Stripe's `incomplete` / `incomplete_expired` (first payment never made).
 */
export const STARTED_MEMBERSHIP_STATUSES = [...LIVE_MEMBERSHIP_STATUSES, 'canceled'] as const;
/** What a donor record lists: started memberships, and one whose first payment is still pending. */
export const SHOWN_MEMBERSHIP_STATUSES = [...STARTED_MEMBERSHIP_STATUSES, 'incomplete'] as const;

const LIVE = new Set<string>(LIVE_MEMBERSHIP_STATUSES);

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
