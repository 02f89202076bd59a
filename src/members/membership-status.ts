import type Stripe from 'stripe';

/**
 * The membership status vocabulary, defined once: Stripe's subscription
 * statuses plus our own for a Checkout that never finished (`pending`,
 * `abandoned`, `failed`). Every other file, SQL included, imports these sets;
 * the words are defined in src/members/CONTEXT.md. A test
 * (tests/unit/architecture.test.ts) keeps status sets and status SQL literals
 * out of the rest of the code.
 */
export const MEMBERSHIP_STATUSES = [
  'pending',
  'abandoned',
  'failed',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
] as const;

export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
export type MembershipInterval = 'month' | 'year';

/** Paying: in good standing, billed as agreed (a trial counts). */
export const PAYING_MEMBERSHIP_STATUSES = ['active', 'trialing'] as const satisfies readonly MembershipStatus[];

/** In arrears: a payment failed and has not been made good yet. */
export const ARREARS_MEMBERSHIP_STATUSES = ['past_due', 'unpaid'] as const satisfies readonly MembershipStatus[];

/** Committed: the donor is expected to keep paying (a failed card is expected to recover). Levels and MRR count these. */
export const COMMITTED_MEMBERSHIP_STATUSES = [...PAYING_MEMBERSHIP_STATUSES, 'past_due'] as const satisfies readonly MembershipStatus[];

/** Live: still running: billed now, or due to be once a card is fixed or billing resumes. The donor can manage it. */
export const LIVE_MEMBERSHIP_STATUSES = [
  ...PAYING_MEMBERSHIP_STATUSES,
  ...ARREARS_MEMBERSHIP_STATUSES,
  'paused',
] as const satisfies readonly MembershipStatus[];

/**
 * On hold: live but not paying now (in arrears, or paused). Reports stop
 * counting a membership as active from the moment it went on hold.
 */
export const ON_HOLD_MEMBERSHIP_STATUSES = [...ARREARS_MEMBERSHIP_STATUSES, 'paused'] as const satisfies readonly MembershipStatus[];

/**
 * Why Stripe ends a subscription the member did not ask to end
 * (`cancellation_details.reason`): a payment that failed for good, or one the
 * cardholder's bank took back. A membership ended for one of these lapsed;
 * one ended for any other reason (or none recorded) was cancelled.
 */
export const LAPSE_REASONS = ['payment_failed', 'payment_disputed'] as const satisfies readonly Stripe.Subscription.CancellationDetails.Reason[];

/** Ended: final in Stripe; a subscription never comes back from these. */
export const ENDED_MEMBERSHIP_STATUSES = ['canceled', 'incomplete_expired'] as const satisfies readonly MembershipStatus[];

/**
 * Started: memberships that really began, live or since canceled. Not our own
 * states for a Checkout that never finished, nor Stripe's `incomplete` /
 * `incomplete_expired` (first payment never made).
 */
export const STARTED_MEMBERSHIP_STATUSES = [...LIVE_MEMBERSHIP_STATUSES, 'canceled'] as const satisfies readonly MembershipStatus[];

/** Listed to the donor and staff: started memberships, and one whose first payment is still pending. */
export const LISTED_MEMBERSHIP_STATUSES = [...STARTED_MEMBERSHIP_STATUSES, 'incomplete'] as const satisfies readonly MembershipStatus[];

/**
 * Unfinished: our own states for a Checkout that has not started (or never
 * will start) a subscription. A reader who left Checkout may come back to a
 * form refilled from one of these.
 */
export const UNFINISHED_MEMBERSHIP_STATUSES = ['pending', 'abandoned', 'failed'] as const satisfies readonly MembershipStatus[];

/** How staff and donors read each status. */
export const MEMBERSHIP_STATUS_LABELS: Readonly<Record<MembershipStatus, string>> = {
  pending: 'Checkout not finished',
  abandoned: 'Checkout abandoned',
  failed: 'Checkout failed',
  incomplete: 'First payment pending',
  incomplete_expired: 'Never started',
  trialing: 'Active',
  active: 'Active',
  past_due: 'Payment failed',
  unpaid: 'Unpaid',
  paused: 'Paused',
  canceled: 'Ended',
};

/** How a donor reads the status of their own membership on the account page. */
export const DONOR_MEMBERSHIP_STATUS_LABELS: Readonly<Record<MembershipStatus, string>> = {
  ...MEMBERSHIP_STATUS_LABELS,
  incomplete: 'Starting',
  unpaid: 'Payment failed',
};

/**
 * How settled a status is, to break ties between snapshots taken in the same
 * second (Stripe's timestamps have one-second resolution).
 */
export const MEMBERSHIP_STATUS_RANK: Readonly<Record<MembershipStatus, number>> = {
  pending: 0,
  abandoned: 1,
  failed: 1,
  incomplete: 1,
  incomplete_expired: 5,
  trialing: 2,
  active: 3,
  past_due: 3,
  unpaid: 4,
  paused: 4,
  canceled: 5,
};

const inSet = (set: readonly MembershipStatus[]) => {
  const members = new Set<string>(set);
  return (status: string): boolean => members.has(status);
};

export const isPaying = inSet(PAYING_MEMBERSHIP_STATUSES);
export const isInArrears = inSet(ARREARS_MEMBERSHIP_STATUSES);
export const isLive = inSet(LIVE_MEMBERSHIP_STATUSES);
export const isEnded = inSet(ENDED_MEMBERSHIP_STATUSES);

/** Cancelling: live, with its end set for the close of the period it is in. */
export function isCancelling(m: { status: string; cancel_at_period_end: boolean }): boolean {
  return isLive(m.status) && m.cancel_at_period_end;
}
