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

/**
 * Takes the next sequence number of `year`. Call it inside the transaction that
 * writes the receipt: the upsert locks the year's counter row until that
 * transaction ends, so concurrent issuers queue one behind the other and get
 * consecutive numbers; if the transaction rolls back, so does the increment,
 * and the number is handed to the next issuer. Hence no gaps and no duplicates
 * (which a PostgreSQL sequence would not give: its values survive rollbacks).
 */
export async function takeReceiptSequence(db: Db, year: number): Promise<number> {
  const { rows } = await db.raw(
    `insert into receipt_counters (year, last_sequence) values (?, 1)
     on conflict (year) do update set last_sequence = receipt_counters.last_sequence + 1
     returning last_sequence`,
    [year],
  );
  const row = (rows as { last_sequence: number }[])[0];
  if (!row) throw new Error('receipt counter upsert returned no row');
  return row.last_sequence;
}

/** A donor's own receipt, by its number: never another donor's. */
export async function findDonorReceiptId(db: Db, donorId: string, number: string): Promise<string | null> {
  const row: { id: string } | undefined = await db('receipts').where({ number, donor_id: donorId }).first('id');
  return row?.id ?? null;
}
