import { z } from 'zod';
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

/** A receipt's PDF file name in a URL, `2026-000042.pdf`: its number before the extension. */
export const receiptFile = z
  .object({ number: z.string(), file: z.string() })
  .partial()
  .transform((params, ctx) => {
    const match = /^(\d{4}-\d{6})\.pdf$/.exec(params.number ?? params.file ?? '');
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'not a receipt file name' });
      return z.NEVER;
    }
    return { number: match[1]! };
  });
