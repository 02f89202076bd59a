import type { Db } from '../db/knex';
import type { Settings } from '../settings/settings';

export interface Level {
  name: string;
  min_yearly: number;
}

const LIVE = ['active', 'trialing', 'past_due'];

/** The highest level whose yearly minimum `yearly` reaches (levels are sorted, the first starts at 0). */
export function levelFor(yearly: number, levels: readonly Level[]): Level {
  let reached = levels[0]!;
  for (const level of levels) if (yearly >= level.min_yearly) reached = level;
  return reached;
}

/**
 * A donor's yearly giving for levels: what they gave in the last 12 months
 * (one-time gifts included, refunds netted), or what their live memberships
 * commit them to in a year, whichever is more — so a new $10-a-month member
 * is counted at $120 from the first month, not at $10.
 */
export async function yearlyGiving(db: Db, donorId: string, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - 365 * 86_400_000);
  const [given] = await db('donations')
    .where({ donor_id: donorId })
    .whereIn('status', ['succeeded', 'partially_refunded'])
    .where('paid_at', '>', since)
    .sum({ total: db.raw('coalesce(amount_paid, amount) - amount_refunded') });
  const [committed] = await db('memberships')
    .where({ donor_id: donorId })
    .whereIn('status', LIVE)
    .sum({ total: db.raw("case when interval = 'month' then amount * 12 else amount end") });
  return Math.max(Number(given?.total ?? 0), Number(committed?.total ?? 0));
}

export async function donorLevel(db: Db, donorId: string, settings: Settings, now = new Date()) {
  const yearly = await yearlyGiving(db, donorId, now);
  return { yearly, level: levelFor(yearly, settings.membership_levels) };
}
