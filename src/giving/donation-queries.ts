import type { Db } from '../db/knex';
import { ATTRIBUTION_FIELDS, type Attribution, type AttributionField } from './attribution';
import type { DonationRequest } from './donation-form';
import { UNFINISHED_DONATION_STATUSES, type DonationStatus } from './donation-status';


/** A donations row; its attribution columns are those of attribution.ts. */
export interface DonationRow extends Attribution {
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
  stripe_invoice_id: string | null;
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

export async function lockDonationByPaymentIntent(
  db: Db,
  paymentIntentId: string,
  options: { skipLocked?: boolean } = {},
): Promise<DonationRow | undefined> {
  const query = db<DonationRow>('donations').where({ stripe_payment_intent_id: paymentIntentId }).forUpdate();
  if (options.skipLocked) query.skipLocked();
  return query.first();
}

export async function lockDonationByCharge(db: Db, chargeId: string): Promise<DonationRow | undefined> {
  return db<DonationRow>('donations').where({ stripe_charge_id: chargeId }).forUpdate().first();
}

/** The donation a dispute names, by its charge or its payment intent. */
export async function lockDonationByChargeOrPaymentIntent(
  db: Db,
  ids: { chargeId: string | null; paymentIntentId: string | null },
): Promise<DonationRow | undefined> {
  if (!ids.chargeId && !ids.paymentIntentId) return undefined;
  return db<DonationRow>('donations')
    .where((q) => {
      if (ids.chargeId) q.orWhere('stripe_charge_id', ids.chargeId);
      if (ids.paymentIntentId) q.orWhere('stripe_payment_intent_id', ids.paymentIntentId);
    })
    .forUpdate()
    .first();
}

export async function findDonationIdByInvoice(db: Db, invoiceId: string): Promise<string | undefined> {
  const row: { id: string } | undefined = await db('donations').where({ stripe_invoice_id: invoiceId }).first('id');
  return row?.id;
}

/** A gift's attribution columns, copied from the row it inherits them from (a membership to its renewals). */
export function attributionColumnsOf(source: Attribution): Attribution {
  const columns = {} as Attribution;
  for (const field of Object.keys(ATTRIBUTION_FIELDS) as AttributionField[]) columns[field] = source[field];
  return columns;
}

/**
 * The pending donation of one invoice, inserted once: the invoice id is
 * unique, so concurrent or repeated events for one invoice share one row.
 */
export async function insertInvoiceDonation(
  db: Db,
  columns: Partial<DonationRow> & { stripe_invoice_id: string },
): Promise<string> {
  const inserted: { id: string }[] = await db('donations')
    .insert({ ...columns, status: 'pending' })
    .onConflict('stripe_invoice_id')
    .ignore()
    .returning('id');
  return inserted[0]?.id ?? (await findDonationIdByInvoice(db, columns.stripe_invoice_id))!;
}

export async function findDonation(db: Db, id: string): Promise<DonationRow | undefined> {
  return db('donations').where({ id }).first();
}

/** What a reader typed on the form beyond the amount, as a gift attempt holds it. */
export type TypedGiftDetails = Pick<DonationRow, 'email' | 'anonymous' | 'tribute_name' | 'comment'>;

/**
 * The details typed for a one-time Checkout attempt created since `since`
 * that took no money: how the form is refilled when the reader leaves
 * Checkout. A renewal's row (by invoice) or one whose payment is in flight is
 * never one.
 */
export async function findResumableDonation(db: Db, id: string, since: Date): Promise<TypedGiftDetails | undefined> {
  return db('donations')
    .where({ id })
    .whereIn('status', UNFINISHED_DONATION_STATUSES)
    .whereNull('stripe_invoice_id')
    .whereNull('processing_at')
    .where('created_at', '>=', since)
    .first('email', 'anonymous', 'tribute_name', 'comment');
}
