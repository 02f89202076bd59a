import type { Db } from '../db/knex';

export type ReceiptKind = 'donation' | 'correction';
export type VoidReason = 'refunded' | 'corrected';

export interface ReceiptRow {
  id: string;
  number: string;
  year: number;
  sequence: number;
  kind: ReceiptKind;
  donation_id: string;
  donor_id: string | null;
  currency: string;
  amount: number;
  goods_value: number;
  goods_description: string | null;
  deductible_amount: number;
  contributed_at: Date;
  replaces_receipt_id: string | null;
  issued_at: Date;
  voided_at: Date | null;
  void_reason: VoidReason | null;
}

export type NewReceipt = Omit<ReceiptRow, 'id' | 'issued_at' | 'voided_at' | 'void_reason'>;

export async function insertReceipt(db: Db, receipt: NewReceipt): Promise<ReceiptRow> {
  const [row] = await db('receipts').insert(receipt).returning('*');
  return row as ReceiptRow;
}

/** A donation's receipts, oldest first, locked: the caller is about to void or add one. */
export async function lockReceiptsForDonation(db: Db, donationId: string): Promise<ReceiptRow[]> {
  return db('receipts').where({ donation_id: donationId }).orderBy('sequence').forUpdate();
}

/**
 * Marks a receipt void. Its amounts are never changed: what was issued stays
 * on record, and a correction (if any) is a new receipt that names this one.
 */
export async function voidReceipt(db: Db, id: string, reason: VoidReason): Promise<void> {
  await db('receipts').where({ id }).whereNull('voided_at').update({ voided_at: db.fn.now(), void_reason: reason });
}

export async function findReceipt(db: Db, id: string): Promise<ReceiptRow | undefined> {
  return db('receipts').where({ id }).first();
}
