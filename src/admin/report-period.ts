import { z } from 'zod';
import { dateFormatter } from '../lib/date-format';

/**
 * A report's period: two calendar dates (YYYY-MM-DD) in the organisation's
 * time zone, both included. The database turns them into instants
 * (revenue-report-queries.ts), so a gift made at 11 pm on the 31st in New
 * York counts for the 31st whatever the server's zone.
 */
export interface ReportPeriod {
  from: string;
  to: string;
}

/** The default period: the last 30 days, today included. */
export const DEFAULT_PERIOD_DAYS = 30;
/** Five years of daily rows is the most a staff page is asked to add up at once. */
export const MAX_PERIOD_DAYS = 5 * 366;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date written YYYY-MM-DD (no 31 February), from 1900 on. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match || Number(match[1]) < 1900) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Today's date in `timeZone`, as YYYY-MM-DD. */
export function todayInTimeZone(now: Date, timeZone: string): string {
  const parts = dateFormatter(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "March 3, 2026": a calendar date as staff read it (the date is already the organisation's). */
export function formatCalendarDate(date: string): string {
  return dateFormatter('UTC', { year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(`${date}T00:00:00Z`));
}

/** An empty form field is an absent one: the period picker sends `from=` when left blank. */
const optionalDate = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().refine(isCalendarDate, 'must be a date written YYYY-MM-DD').optional(),
);

/**
 * A query schema with `from` and `to` added: a missing `to` is today, a
 * missing `from` the 30 days up to `to`. `from` after `to`, or a period of
 * more than five years, is refused naming the field.
 */
export function withReportPeriod<Shape extends z.ZodRawShape>(shape: Shape, today: string) {
  return z
    .object({ ...shape, from: optionalDate, to: optionalDate })
    .transform((query) => {
      const { from, to } = query as { from?: string; to?: string };
      const end = to ?? today;
      return { ...query, from: from ?? addDays(end, 1 - DEFAULT_PERIOD_DAYS), to: end };
    })
    .superRefine((query, ctx) => {
      const days = daysBetween(query.from, query.to);
      if (days < 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be on or before to' });
      else if (days >= MAX_PERIOD_DAYS) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be at most five years before to' });
    });
}
