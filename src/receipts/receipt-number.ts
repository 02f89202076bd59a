import type { Db } from '../db/knex';
import { dateFormatter } from '../lib/date-format';

/**
 * Receipt numbers: `<year>-<sequence>`, the sequence counting from 1 in each
 * calendar year of the organisation's time zone, zero-padded to six digits
 * (`2026-000123`). A seventh digit appears only past 999,999 receipts in a
 * year; numbers stay unique and still sort within a width.
 */

const NUMBER = /^(\d{4})-(\d{6,})$/;

export function formatReceiptNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`Invalid receipt year ${year}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`Invalid receipt sequence ${sequence}`);
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseReceiptNumber(number: string): { year: number; sequence: number } | null {
  const match = NUMBER.exec(number);
  if (!match) return null;
  const sequence = Number(match[2]);
  return sequence >= 1 ? { year: Number(match[1]), sequence } : null;
}

/**
 * The calendar year of an instant in the organisation's time zone: a gift made
 * at 23:30 on December 31 in New York (04:30 UTC on January 1) belongs to the
 * year that is ending, which is the year the donor deducts it in.
 */
export function yearInTimeZone(at: Date, timeZone: string): number {
  return Number(dateFormatter(timeZone, { year: 'numeric' }).format(at));
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
