import { z } from 'zod';
import { dateFormatter } from '../lib/date-format';

/**
 * Monthly reports count calendar months in the organisation's time zone,
 * written YYYY-MM; the database turns a month into its first and last
 * instants there (a gift at 11 pm on the 31st in New York is in that month
 * whatever the server's zone). They take `months` (how many, default 24)
 * and `end` (the last month shown, default this month).
 */
export const DEFAULT_MONTHS = 24;
export const MAX_MONTHS = 60;

const MONTH = /^(\d{4})-(\d{2})$/;

export function isCalendarMonth(value: string): boolean {
  const match = MONTH.exec(value);
  return match !== null && Number(match[1]) >= 1900 && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

/** The month `count` months after `month` (before, when negative). */
export function addMonths(month: string, count: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** `count` months, oldest first, the last being `end`. */
export function monthsEnding(end: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(end, i - count + 1));
}

/** The month a YYYY-MM-DD date falls in. */
export function monthOfDate(date: string): string {
  return date.slice(0, 7);
}

/** "June 2025". */
export function formatMonth(month: string): string {
  return dateFormatter('UTC', { year: 'numeric', month: 'long' }).format(new Date(`${month}-01T00:00:00Z`));
}

/** "Jun ’25": short enough to sit under a bar. */
export function formatMonthShort(month: string): string {
  const name = dateFormatter('UTC', { month: 'short' }).format(new Date(`${month}-01T00:00:00Z`));
  return `${name} ’${month.slice(2, 4)}`;
}

const emptyIsAbsent = (value: unknown) => (value === '' ? undefined : value);

/**
 * A query schema with `months` and `end` added, `end` defaulting to
 * `thisMonth`. A month after this one is refused: nothing is known of it yet.
 */
export function withReportMonths<Shape extends z.ZodRawShape>(shape: Shape, thisMonth: string) {
  return z.object({
    ...shape,
    months: z.preprocess(emptyIsAbsent, z.coerce.number({ error: 'must be a whole number of months' }).int('must be a whole number of months').min(1, 'must be at least 1').max(MAX_MONTHS, `must be at most ${MAX_MONTHS}`).default(DEFAULT_MONTHS)),
    end: z.preprocess(
      emptyIsAbsent,
      z
        .string()
        .refine(isCalendarMonth, 'must be a month written YYYY-MM')
        .refine((month) => month <= thisMonth, 'must not be after this month')
        .default(thisMonth),
    ),
  });
}
