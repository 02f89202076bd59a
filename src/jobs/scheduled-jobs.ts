import { givingHoursCheckJob } from '../giving/giving-hours-job';
import { yearlyGivingJob } from '../members/yearly-giving-job';
import { yearEndStatementsJob } from '../receipts/year-end-job';
import { expiredRecordsJob } from './expired-records-job';
import type { ScheduledJob } from './scheduler';

/** Every scheduled job, for the app process and `npm run worker` alike. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [yearEndStatementsJob, expiredRecordsJob, yearlyGivingJob, givingHoursCheckJob];
