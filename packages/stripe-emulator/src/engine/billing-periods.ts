/**
 * Billing period boundaries as Stripe computes them: counted from the
 * subscription's `billing_cycle_anchor` in UTC, by calendar months and years.
 * A day of the month that a month lacks falls on that month's last day, and
 * the next period returns to the anchor's day (Jan 31 -> Feb 28 -> Mar 31),
 * so boundaries are always counted from the anchor, never from the previous
 * boundary.
 */

export interface Recurrence {
  interval: string;
  interval_count: number;
}

const DAY = 86_400;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function addMonths(anchor: number, months: number): number {
  const start = new Date(anchor * 1000);
  const first = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
  const day = Math.min(start.getUTCDate(), daysInMonth(first.getUTCFullYear(), first.getUTCMonth()));
  const boundary = Date.UTC(
    first.getUTCFullYear(),
    first.getUTCMonth(),
    day,
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
  );
  return boundary / 1000;
}

/** Months per period, or null for day and week intervals (fixed lengths). */
function monthsPerPeriod(recurrence: Recurrence): number | null {
  if (recurrence.interval === 'month') return recurrence.interval_count;
  if (recurrence.interval === 'year') return 12 * recurrence.interval_count;
  return null;
}

function secondsPerPeriod(recurrence: Recurrence): number {
  return (recurrence.interval === 'week' ? 7 : 1) * DAY * recurrence.interval_count;
}

/** The end of the `n`th period after the anchor (n = 1 is the first period's end). */
export function periodBoundary(anchor: number, recurrence: Recurrence, n: number): number {
  const months = monthsPerPeriod(recurrence);
  return months === null ? anchor + n * secondsPerPeriod(recurrence) : addMonths(anchor, n * months);
}

/** The first boundary strictly after `after`: where a period starting at `after` ends. */
export function nextPeriodEnd(anchor: number, recurrence: Recurrence, after: number): number {
  const months = monthsPerPeriod(recurrence);
  let n: number;
  if (months === null) {
    n = Math.floor((after - anchor) / secondsPerPeriod(recurrence));
  } else {
    const from = new Date(anchor * 1000);
    const to = new Date(after * 1000);
    const elapsed = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    n = Math.floor(elapsed / months);
  }
  n = Math.max(1, n);
  // The estimate is off by at most one either way (day-of-month clamping, partial periods).
  while (n > 1 && periodBoundary(anchor, recurrence, n - 1) > after) n -= 1;
  while (periodBoundary(anchor, recurrence, n) <= after) n += 1;
  return periodBoundary(anchor, recurrence, n);
}
