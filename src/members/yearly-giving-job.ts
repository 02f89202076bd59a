import type { ScheduledJob } from '../jobs/scheduler';
import { refreshYearlyGivingDue } from './level-queries';

/** Donors refreshed per statement: each holds their rows' locks until it commits. */
const BATCH = 500;

/**
 * Yearly giving counts the last 365 days, so it changes without any write
 * when a gift turns 365 days old. The kept figures (level-queries.ts) are
 * recomputed on every write to a donor's gifts and memberships; this job
 * recomputes those whose oldest counted gift has since left the window, on
 * every tick of the scheduler (hourly): a level falls at most an hour late.
 * With nothing due it is one index lookup.
 */
export const yearlyGivingJob: ScheduledJob = {
  name: 'yearly-giving',
  lockKey: 7_301_003,
  isDue: () => true,
  async run(db, now, _settings, logger) {
    let refreshed = 0;
    for (;;) {
      // A refreshed donor is not due again before `now`: each batch takes new ones, and the loop ends.
      const batch = await refreshYearlyGivingDue(db, now, BATCH);
      refreshed += batch;
      if (batch < BATCH) break;
    }
    if (refreshed > 0) logger.info({ refreshed }, 'yearly giving refreshed');
  },
};
