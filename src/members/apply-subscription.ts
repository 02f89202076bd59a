import type { Knex } from 'knex';
import type Stripe from 'stripe';
import { idOf } from '../stripe/object-id';
import { queueMembershipEmails } from './membership-emails';
import { lockMembershipFor, updateMembership, type MembershipRow } from './membership-queries';
import { isEnded, MEMBERSHIP_STATUS_RANK, type MembershipStatus } from './membership-status';


const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/** The membership fields a subscription snapshot determines. */
export function fieldsFromSubscription(subscription: Stripe.Subscription, current: MembershipRow): Partial<MembershipRow> {
  const item = subscription.items?.data?.[0];
  const price = item?.price;
  const computed = (price?.unit_amount ?? 0) * (item?.quantity ?? 1);
  // A zero amount (quantity 0, a free price) is not a membership amount; keep the last real one.
  const amount = computed > 0 ? computed : current.amount;
  return {
    stripe_subscription_id: subscription.id,
    stripe_customer_id: idOf(subscription.customer),
    status: subscription.status as MembershipStatus,
    amount,
    currency: subscription.currency ?? price?.currency ?? current.currency,
    interval: price?.recurring?.interval === 'year' ? 'year' : price?.recurring ? 'month' : current.interval,
    current_period_start: at(item?.current_period_start) ?? current.current_period_start,
    current_period_end: at(item?.current_period_end) ?? current.current_period_end,
    cancel_at_period_end: subscription.cancel_at_period_end,
    canceled_at: at(subscription.canceled_at),
    ended_at: at(subscription.ended_at),
    cancellation_reason: subscription.cancellation_details?.reason ?? null,
    cancellation_feedback: subscription.cancellation_details?.feedback ?? null,
    cancellation_comment: subscription.cancellation_details?.comment ?? null,
  };
}

/** Whether a status observed at `at` may replace the one we hold. */
function statusIsNewer(membership: MembershipRow, status: MembershipStatus, at: Date): boolean {
  if (isEnded(membership.status)) {
    // Stripe never brings an ended subscription back: a live status after it is stale.
    return status === membership.status;
  }
  if (!membership.status_at) return true;
  const held = membership.status_at.getTime();
  if (at.getTime() !== held) return at.getTime() > held;
  // Same second: the more settled status wins (Stripe's timestamps have one-second resolution).
  return MEMBERSHIP_STATUS_RANK[status] >= MEMBERSHIP_STATUS_RANK[membership.status];
}

/**
 * Applies a subscription snapshot taken at `takenAt` (its event's `created`).
 * Its fields replace ours only if no newer snapshot is held, and its status
 * only if no newer event (snapshot or invoice) set the status since.
 */
export async function applySubscriptionSnapshot(
  trx: Knex.Transaction,
  membership: MembershipRow,
  subscription: Stripe.Subscription,
  takenAt: Date,
): Promise<MembershipRow> {
  const incoming = subscription.status as MembershipStatus;
  // An ended subscription is final in Stripe: a live snapshot after it is stale, fields and all.
  if (isEnded(membership.status) && !isEnded(incoming)) return membership;
  const fieldsNewer = !membership.snapshot_at || takenAt.getTime() >= membership.snapshot_at.getTime();
  const statusNewer = statusIsNewer(membership, incoming, takenAt);
  if (!fieldsNewer && !statusNewer) return membership;
  const { status, ...fields } = fieldsFromSubscription(subscription, membership);
  const changes: Partial<MembershipRow> = {};
  if (fieldsNewer) Object.assign(changes, fields, { snapshot_at: takenAt });
  if (statusNewer) Object.assign(changes, { status, status_at: takenAt });
  if (!fieldsNewer && subscription.id) changes.stripe_subscription_id = subscription.id;
  const after = await updateMembership(trx, membership.id, changes);
  await queueMembershipEmails(trx, membership, after);
  return after;
}

/**
 * A status learned from something other than a subscription snapshot (a paid
 * or failed invoice, a completed checkout), applied under the same rule: only
 * if nothing newer set the status.
 */
export async function applyStatusHint(
  trx: Knex.Transaction,
  membership: MembershipRow,
  status: MembershipStatus,
  observedAt: Date,
  changes: Partial<MembershipRow> = {},
): Promise<MembershipRow> {
  const statusChanges = statusIsNewer(membership, status, observedAt) ? { status, status_at: observedAt } : {};
  const after = await updateMembership(trx, membership.id, { ...changes, ...statusChanges });
  await queueMembershipEmails(trx, membership, after);
  return after;
}

/**
 * Applies a subscription Stripe just returned to one of our own calls, so the
 * page the member lands on shows the change; the webhook that follows carries
 * the same snapshot and changes nothing more. Opens its own transaction.
 */
export async function applySubscriptionFromStripe(db: Knex, subscription: Stripe.Subscription): Promise<void> {
  await db.transaction(async (trx) => {
    const locked = await lockMembershipFor(trx, { subscriptionId: subscription.id });
    if (locked) await applySubscriptionSnapshot(trx, locked, subscription, new Date());
  });
}
