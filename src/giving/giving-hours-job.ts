import type { ScheduledJob } from '../jobs/scheduler';
import { givingHoursMatchDonations, rebuildGivingHours } from './giving-hours-queries';

/**
 * The hourly sums are kept by the donations trigger; a bulk load that turns
 * the trigger off (bench/seed-donors.ts does, and an import may) leaves them
 * short. Every tick (hourly) this checks them against the donations in one
 * pass (a few hundred milliseconds at a million donations) and recounts them
 * when they differ, so reports are right again within the hour.
 */
export const givingHoursCheckJob: ScheduledJob = {
  name: 'giving-hours-check',
  lockKey: 7_301_004,
  isDue: () => true,
  async run(db, _now, _settings, logger) {
    if (await givingHoursMatchDonations(db)) return;
    logger.warn('giving_hours did not add up to the donations (a load with the donations trigger off?); recounting it');
    await rebuildGivingHours(db);
  },
};
