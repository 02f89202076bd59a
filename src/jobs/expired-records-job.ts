import { deleteSignInLinksExpiredBefore } from '../account/sign-in-link-queries';
import { deleteExpiredSessions } from '../http/session-queries';
import { deleteRateLimitWindowsBefore } from '../lib/rate-limit-queries';
import type { ScheduledJob } from './scheduler';

const DAY_MS = 86_400_000;

/**
 * Sessions, sign-in links and rate-limit windows are kept only while they can
 * matter: a used or expired sign-in link for a day (so "already used" can be
 * told apart from "invalid"), the rest until they expire. Without this the
 * tables grow with every sign-in forever.
 */
export const expiredRecordsJob: ScheduledJob = {
  name: 'expired-records',
  lockKey: 7_301_002,
  isDue: () => true,
  async run(db, now, _settings, logger) {
    const dayAgo = new Date(now.getTime() - DAY_MS);
    const sessions = await deleteExpiredSessions(db, now);
    const links = await deleteSignInLinksExpiredBefore(db, dayAgo);
    const windows = await deleteRateLimitWindowsBefore(db, dayAgo);
    if (sessions + links + windows > 0) logger.info({ sessions, links, windows }, 'expired records deleted');
  },
};
