import request from 'supertest';
import type { StaffRole, StaffUser } from '../../../src/admin/staff-users';
import { TEST_BASE_URL, type TestApp } from '../../support/app';
import { buildDonation, buildDonor, buildMembership, buildStaff, STAFF_PASSWORD } from '../../support/factories';

export { STAFF_PASSWORD };
/** What a browser sends with a form posted from one of our own pages. */
export const SAME_ORIGIN = { Origin: TEST_BASE_URL, 'Sec-Fetch-Site': 'same-origin' };

export function createStaff(t: TestApp, role: StaffRole = 'staff', email = `${role}@newsroom.example`): Promise<StaffUser> {
  return buildStaff(t.db, { role, email });
}

/** Signs in through POST /admin/sign-in and returns the session cookie as `name=value`. */
export async function staffCookie(t: TestApp, email: string, password = STAFF_PASSWORD): Promise<string> {
  const res = await request(t.app).post('/admin/sign-in').set(SAME_ORIGIN).type('form').send({ email, password });
  if (res.status !== 303) throw new Error(`staff sign-in failed with ${res.status}`);
  return res.headers['set-cookie']![0]!.split(';')[0]!;
}

/** A staff member of `role`, signed in. */
export async function signedInStaff(t: TestApp, role: StaffRole = 'staff'): Promise<{ staff: StaffUser; cookie: string }> {
  const staff = await createStaff(t, role);
  return { staff, cookie: await staffCookie(t, staff.email) };
}

const DAY_MS = 86_400_000;

export interface GiftSeed {
  amount: number;
  daysAgo: number;
  status?: string;
  frequency?: 'once' | 'monthly' | 'annual';
  refunded?: number;
  campaign?: string;
  articleTitle?: string;
  membershipId?: string;
}

/** A donor and their gifts as the webhooks leave them, written directly: these tests are about reading. */
export async function seedDonor(
  t: TestApp,
  donor: { email: string; name?: string; createdDaysAgo?: number },
  gifts: GiftSeed[] = [],
  membership?: { amount: number; interval: 'month' | 'year'; status: string; cancelAtPeriodEnd?: boolean },
): Promise<{ donorId: string; membershipId: string | null }> {
  const now = Date.now();
  const row = await buildDonor(t.db, { email: donor.email, name: donor.name ?? null, created_at: new Date(now - (donor.createdDaysAgo ?? 400) * DAY_MS) });
  let membershipId: string | null = null;
  if (membership) {
    const m = await buildMembership(t.db, {
      donor_id: row.id,
      amount: membership.amount,
      interval: membership.interval,
      status: membership.status,
      cancel_at_period_end: membership.cancelAtPeriodEnd ?? false,
      stripe_subscription_id: `sub_${String(row.id).slice(0, 8)}`,
      current_period_end: new Date(now + 20 * DAY_MS),
      status_at: new Date(now - DAY_MS),
      ended_at: membership.status === 'canceled' ? new Date(now - 2 * DAY_MS) : null,
    });
    membershipId = m.id;
  }
  for (const gift of gifts) {
    const paidAt = new Date(now - gift.daysAgo * DAY_MS);
    await buildDonation(t.db, {
      donor_id: row.id,
      status: gift.status ?? 'succeeded',
      frequency: gift.frequency ?? (membershipId ? (membership!.interval === 'month' ? 'monthly' : 'annual') : 'once'),
      amount: gift.amount,
      amount_paid: gift.amount,
      amount_refunded: gift.refunded ?? 0,
      paid_at: paidAt,
      membership_id: gift.membershipId ?? membershipId,
      campaign: gift.campaign ?? null,
      article_title: gift.articleTitle ?? null,
      created_at: paidAt,
    });
  }
  return { donorId: row.id, membershipId };
}
