import { isCancelling, isInArrears, isPaying, type MembershipStatus } from './membership-status';

/**
 * What a membership's billing does next, as the account page and the donor
 * record say it. Only a paying membership has a next payment date: one in
 * arrears still owes the payment that failed, so the end of the period it
 * is in is no "next payment" (a member once read it as "my card is fine").
 * `past_due`: Stripe is retrying the failed payment on its schedule;
 * `unpaid`: the retries are over and nothing is charged until the card is
 * updated.
 * Otherwise a cancelling, ended, paused or not yet started membership has none.
 */
export type NextPayment =
  | { kind: 'due'; on: Date }
  | { kind: 'failed'; retrying: boolean; failedAt: Date | null }
  | { kind: 'none' };

export interface NextPaymentFacts {
  status: MembershipStatus;
  cancel_at_period_end: boolean;
  current_period_end: Date | null;
  payment_failed_at: Date | null;
}

export function nextPayment(m: NextPaymentFacts): NextPayment {
  // Arrears first: a member who asked to cancel still owes the failed payment, and Stripe still retries it.
  if (isInArrears(m.status)) return { kind: 'failed', retrying: m.status === 'past_due', failedAt: m.payment_failed_at };
  if (isPaying(m.status) && !isCancelling(m) && m.current_period_end) return { kind: 'due', on: m.current_period_end };
  return { kind: 'none' };
}
