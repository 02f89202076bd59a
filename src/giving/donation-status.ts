/**
 * The donation status vocabulary, defined once. Every other file, SQL
 * included, imports these sets instead of spelling statuses out; the words are
 * defined in src/giving/CONTEXT.md. A test (tests/unit/architecture.test.ts)
 * keeps status sets and status SQL literals out of the rest of the code.
 */
export const DONATION_STATUSES = [
  'pending',
  'succeeded',
  'failed',
  'abandoned',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;

export type DonationStatus = (typeof DONATION_STATUSES)[number];

/** Paid: the money arrived, whatever happened to it since (a refund, in part or whole). Receipts are issued for these. */
export const PAID_DONATION_STATUSES = ['succeeded', 'partially_refunded', 'refunded'] as const satisfies readonly DonationStatus[];

/** Kept: the organisation keeps the money, in whole or in part. Giving totals, levels and the dashboard count these. */
export const KEPT_DONATION_STATUSES = ['succeeded', 'partially_refunded'] as const satisfies readonly DonationStatus[];

/** Paid donations and those under dispute: what a dispute event may apply to. */
export const DISPUTABLE_DONATION_STATUSES = [...PAID_DONATION_STATUSES, 'disputed'] as const satisfies readonly DonationStatus[];

/**
 * Unfinished: a Checkout attempt that took no money, yet or ever. A reader
 * who left Checkout may come back to a form refilled from one of these.
 */
export const UNFINISHED_DONATION_STATUSES = ['pending', 'abandoned', 'failed'] as const satisfies readonly DonationStatus[];

/** What a donor and staff see of a gift, in the words they read; gifts in other statuses are not listed. */
export const DONATION_STATUS_LABELS = {
  succeeded: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  disputed: 'Disputed',
  failed: 'Failed',
} as const satisfies Partial<Record<DonationStatus, string>>;

/** The gifts a donor's own account lists: money that arrived (failed attempts are staff business). */
export const DONOR_LISTED_DONATION_STATUSES = DISPUTABLE_DONATION_STATUSES;

/** The gifts a staff donor record lists: every payment, failed attempts included. */
export const STAFF_LISTED_DONATION_STATUSES = [...DISPUTABLE_DONATION_STATUSES, 'failed'] as const satisfies readonly DonationStatus[];

/**
 * How far along a donation is. A checkout event only moves a donation to a
 * higher rank, so a late or repeated event (an `expired` after `completed`, a
 * `completed` with `unpaid` after `async_payment_succeeded`) never undoes a
 * newer outcome.
 */
export const DONATION_STATUS_RANK: Readonly<Record<DonationStatus, number>> = {
  pending: 0,
  abandoned: 1,
  failed: 2,
  succeeded: 3,
  refunded: 4,
  partially_refunded: 4,
  disputed: 4,
};

const paid = new Set<DonationStatus>(PAID_DONATION_STATUSES);
const disputable = new Set<DonationStatus>(DISPUTABLE_DONATION_STATUSES);

export function isPaid(status: DonationStatus): boolean {
  return paid.has(status);
}

export function isDisputable(status: DonationStatus): boolean {
  return disputable.has(status);
}

/** succeeded, partially_refunded or refunded, from the paid and (cumulative) refunded amounts. */
export function statusAfterRefunds(amountPaid: number, amountRefunded: number): DonationStatus {
  if (amountRefunded <= 0) return 'succeeded';
  return amountRefunded >= amountPaid ? 'refunded' : 'partially_refunded';
}

/** SQL for the money a donation counts as given: what was paid, less what was refunded. */
export function netPaidSql(alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `coalesce(${column('amount_paid')}, ${column('amount')}) - ${column('amount_refunded')}`;
}
