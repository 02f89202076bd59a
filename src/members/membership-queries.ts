import type { Db } from '../db/knex';

export type MembershipStatus =
  | 'pending'
  | 'abandoned'
  | 'failed'
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'canceled'
  | 'paused';

export type MembershipInterval = 'month' | 'year';

export interface MembershipRow {
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
  email: string | null;
  anonymous: boolean;
  tribute_name: string | null;
  comment: string | null;
  return_to: string | null;
  article_url: string | null;
  article_title: string | null;
  campaign: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  referrer: string | null;
  cta_variant: string | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (ids.membershipId && UUID.test(ids.membershipId)) {
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
