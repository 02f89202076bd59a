import type { ScheduledJob } from '../jobs/scheduler';
import { yearInTimeZone } from './receipt-number';
import { issueYearEndStatements } from './year-end-statements';

/**
 * Sends last year's statements from January 5 to January 31 (organisation's
 * calendar). Not on January 1: late-December bank payments and refunds settle
 * in the first days of the year, and a statement should not need correcting.
 * Running daily through the month catches a deployment that was down on the 5th.
 */
export const yearEndStatementsJob: ScheduledJob = {
  name: 'year-end-statements',
  lockKey: 7_301_001,
  isDue(now, settings) {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: settings.organization.timezone, month: 'numeric', day: 'numeric' })
      .formatToParts(now)
      .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
    return parts.month === 1 && (parts.day ?? 0) >= 5;
  },
  async run(db, now, settings, logger) {
    const year = yearInTimeZone(now, settings.organization.timezone) - 1;
    const result = await issueYearEndStatements(db, year);
    logger.info({ year, ...result }, 'year-end statements issued');
  },
};
