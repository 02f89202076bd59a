import type { Db } from '../db/knex';
import type { DonationRequest } from './donation-form';

export type DonationStatus =
  | 'pending'
  | 'succeeded'
  | 'failed'
  | 'abandoned'
  | 'refunded'
  | 'partially_refunded'
  | 'disputed';

/** Gifts whose money the organisation keeps (in whole or part): what giving totals count. */
export const GIVEN_STATUSES: readonly DonationStatus[] = ['succeeded', 'partially_refunded'];

/** SQL for the money a donation counts as given: what was paid, less what was refunded. */
export function netPaidSql(alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `coalesce(${column('amount_paid')}, ${column('amount')}) - ${column('amount_refunded')}`;
}

export interface DonationRow {
  id: string;
  donor_id: string | null;
  status: DonationStatus;
  frequency: string;
  currency: string;
  amount: number;
  fee_amount: number;
  fee_covered: boolean;
  amount_paid: number | null;
  email: string | null;
  anonymous: boolean;
  tribute_name: string | null;
  comment: string | null;
  return_to: string | null;
  article_url: string | null;
  article_title: string | null;
  campaign: string | null;
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  stripe_charge_id: string | null;
  payment_method_type: string | null;
  card_brand: string | null;
  card_last4: string | null;
  /** Fair market value of goods or services given for the gift (IRS Publication 1771), minor units. */
  goods_value: number;
  goods_description: string | null;
  /** Cumulative, minor units; only ever increases. */
  amount_refunded: number;
  failure_reason: string | null;
  membership_id: string | null;
  dispute_status: string | null;
  processing_at: Date | null;
  paid_at: Date | null;
  failed_at: Date | null;
  abandoned_at: Date | null;
  created_at: Date;
}

/** What a gift attempt records from the form, the same for a donation and a membership. */
export function giftColumns(request: DonationRequest) {
  return {
    currency: request.currency,
    amount: request.total,
    fee_amount: request.feeAmount,
    fee_covered: request.coverFees,
    email: request.email,
    anonymous: request.anonymous,
    tribute_name: request.tributeName,
    comment: request.comment,
    return_to: request.returnTo,
    ...request.attribution,
  };
}

export async function insertPendingDonation(db: Db, request: DonationRequest): Promise<DonationRow> {
  const [row] = await db('donations')
    .insert({
      status: 'pending',
      frequency: request.frequency,
      ...giftColumns(request),
    })
    .returning('*');
  return row as DonationRow;
}

export async function attachCheckoutSession(db: Db, donationId: string, sessionId: string): Promise<void> {
  await db('donations')
    .where({ id: donationId })
    .update({ stripe_checkout_session_id: sessionId, updated_at: db.fn.now() });
}

export async function markCheckoutFailed(db: Db, donationId: string, reason: string): Promise<void> {
  await db('donations')
    .where({ id: donationId, status: 'pending' })
    .update({ status: 'failed', failure_reason: reason, failed_at: db.fn.now(), updated_at: db.fn.now() });
}

export async function findDonationByCheckoutSession(db: Db, sessionId: string): Promise<DonationRow | undefined> {
  return db('donations').where({ stripe_checkout_session_id: sessionId }).first();
}

/** Locks the row for the rest of the transaction so concurrent events for one gift apply one at a time. */
export async function lockDonation(db: Db, id: string): Promise<DonationRow | undefined> {
  return db('donations').where({ id }).forUpdate().first();
}

export async function lockDonationByCheckoutSession(db: Db, sessionId: string): Promise<DonationRow | undefined> {
  return db('donations').where({ stripe_checkout_session_id: sessionId }).forUpdate().first();
}

export async function updateDonation(db: Db, id: string, changes: Partial<DonationRow>): Promise<void> {
  await db('donations')
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() });
}
