import type { Db } from '../db/knex';
import { TooManyRequestsError } from '../lib/errors';
import { clearRateLimit, hitRateLimit, rateLimitReached } from '../lib/rate-limit-queries';
import { hashToken } from '../lib/tokens';
import { recordAudit } from './audit-queries';
import { startStaffSession } from './staff-sessions';
import { authenticateStaff } from './staff-users';

/** Every sign-in from one network address, right or wrong. */
const ATTEMPTS_PER_ADDRESS = 30;
/**
 * Wrong passwords for one account from one address. Keyed on both, so a
 * stranger guessing cannot lock the real staff member out from their own
 * network; a correct sign-in clears it.
 */
const FAILURES_PER_ACCOUNT = 10;
const ATTEMPT_WINDOW_MS = 15 * 60 * 1000;
const TOO_MANY_SIGN_INS = 'Too many sign-in attempts. Wait 15 minutes and try again.';

/**
 * Checks an email and password typed on the sign-in page and starts a session
 * when they match an active account; null when they do not. Both outcomes are
 * recorded in the audit log (a failure by a hash of the email only: it may be
 * a stranger's address). Throws TooManyRequestsError past the limits.
 */
export async function signInStaff(db: Db, input: { email: string; password: string; ip: string | undefined }): Promise<{ token: string; expiresAt: Date } | null> {
  // Counted in the database (hashed: an address is personal data) so every instance agrees.
  const address = hashToken(input.ip ?? 'unknown');
  const failuresKey = `staff-sign-in:failures:${hashToken(`${input.email.trim().toLowerCase()} ${address}`)}`;
  if (!(await hitRateLimit(db, `staff-sign-in:ip:${address}`, ATTEMPTS_PER_ADDRESS, ATTEMPT_WINDOW_MS))) throw new TooManyRequestsError(TOO_MANY_SIGN_INS);
  if (await rateLimitReached(db, failuresKey, FAILURES_PER_ACCOUNT, ATTEMPT_WINDOW_MS)) throw new TooManyRequestsError(TOO_MANY_SIGN_INS);

  const staff = input.email && input.password ? await authenticateStaff(db, input.email, input.password) : null;
  if (!staff) {
    await hitRateLimit(db, failuresKey, FAILURES_PER_ACCOUNT, ATTEMPT_WINDOW_MS);
    await recordAudit(db, { actorId: null, action: 'staff.sign_in_failed', detail: { email_hash: hashToken(input.email.toLowerCase()) } });
    return null;
  }
  await clearRateLimit(db, failuresKey);
  return startStaffSession(db, staff.id);
}
