import { z } from 'zod';
import type { Db } from '../db/knex';
import type { Attribution } from '../giving/attribution';
import { UNFINISHED_MEMBERSHIP_STATUSES, type MembershipInterval, type MembershipStatus } from './membership-status';


/** A memberships row; its attribution columns are those of giving/attribution.ts. */
export interface MembershipRow extends Attribution {
  id: string;
  donor_id: string | null;
  stripe_subscription_id: string | null;
  stripe_customer_id: string | null;
  stripe_checkout_session_id: string | null;
  status: MembershipStatus;
  currency: string;
  amount: number;
  fee_amount: number;
  fee_covered: boolean;
  interval: MembershipInterval;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  ended_at: Date | null;
  cancellation_reason: string | null;
  cancellation_feedback: string | null;
  cancellation_comment: string | null;
  snapshot_at: Date | null;
  status_at: Date | null;
  /** When the newest failed payment was reported (`invoice.payment_failed`); null if none was. */
  payment_failed_at: Date | null;
  email: string | null;
  anonymous: boolean;
  tribute_name: string | null;
  comment: string | null;
  return_to: string | null;
  created_at: Date;
}

const membershipId = z.uuid();

/**
 * The membership a Stripe object belongs to, locked for the transaction: by
 * subscription id, else by the membership id we put in metadata (a row whose
 * subscription is not known yet). Null when neither names one of ours.
 */
export async function lockMembershipFor(
  db: Db,
  ids: { subscriptionId: string | null; membershipId?: string | null },
): Promise<MembershipRow | null> {
  if (ids.subscriptionId) {
    const bySubscription: MembershipRow | undefined = await db('memberships')
      .where({ stripe_subscription_id: ids.subscriptionId })
      .forUpdate()
      .first();
    if (bySubscription) return bySubscription;
  }
  if (ids.membershipId && membershipId.safeParse(ids.membershipId).success) {
    const byId: MembershipRow | undefined = await db('memberships').where({ id: ids.membershipId }).forUpdate().first();
    // Metadata can be copied by hand in Stripe's dashboard; never let it re-point a membership.
    if (byId && (byId.stripe_subscription_id === null || byId.stripe_subscription_id === ids.subscriptionId)) return byId;
  }
  return null;
}

export async function updateMembership(db: Db, id: string, changes: Partial<MembershipRow>): Promise<MembershipRow> {
  const [row] = await db('memberships')
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() })
    .returning('*');
  return row as MembershipRow;
}

/** A membership known only from Stripe (its checkout row unknown): inserted once per subscription. */
export async function insertMembershipFromStripe(
  db: Db,
  row: Pick<MembershipRow, 'stripe_subscription_id' | 'stripe_customer_id' | 'donor_id' | 'status' | 'currency' | 'amount' | 'interval'> & Attribution,
): Promise<MembershipRow | null> {
  const [inserted] = await db('memberships').insert(row).onConflict('stripe_subscription_id').ignore().returning('*');
  return (inserted as MembershipRow | undefined) ?? null;
}

/** Where a donor came from before Checkout, for the thank-you page's link back. */
export async function findMembershipOrigin(
  db: Db,
  checkoutSessionId: string,
): Promise<Pick<MembershipRow, 'return_to' | 'article_title' | 'interval'> | undefined> {
  return db('memberships').where({ stripe_checkout_session_id: checkoutSessionId }).first('return_to', 'article_title', 'interval');
}

/** A donor's own membership, by id: how `/account` finds the one a form names. */
export async function findDonorMembership(db: Db, donorId: string, id: string): Promise<MembershipRow | undefined> {
  return db('memberships').where({ id, donor_id: donorId }).first();
}

export async function findMembership(db: Db, id: string): Promise<MembershipRow | undefined> {
  return db('memberships').where({ id }).first();
}

export async function insertPendingMembership(db: Db, columns: Partial<MembershipRow>): Promise<MembershipRow> {
  const [row] = await db('memberships')
    .insert({ ...columns, status: 'pending' })
    .returning('*');
  return row as MembershipRow;
}

/** A Checkout that could not be opened: the pending row is marked failed, nothing else. */
export async function markMembershipCheckoutFailed(db: Db, id: string): Promise<void> {
  await db('memberships').where({ id, status: 'pending' }).update({ status: 'failed', updated_at: db.fn.now() });
}

export async function attachMembershipCheckoutSession(db: Db, id: string, sessionId: string): Promise<void> {
  await db('memberships').where({ id }).update({ stripe_checkout_session_id: sessionId, updated_at: db.fn.now() });
}

/**
 * The details typed for a membership Checkout created since `since` that has
 * started no subscription: how the form is refilled when the reader leaves
 * Checkout.
 */
export async function findResumableMembership(
  db: Db,
  id: string,
  since: Date,
): Promise<Pick<MembershipRow, 'email' | 'anonymous' | 'tribute_name' | 'comment'> | undefined> {
  return db('memberships')
    .where({ id })
    .whereIn('status', UNFINISHED_MEMBERSHIP_STATUSES)
    .whereNull('stripe_subscription_id')
    .where('created_at', '>=', since)
    .first('email', 'anonymous', 'tribute_name', 'comment');
}
