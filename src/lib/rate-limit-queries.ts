import type { Db } from '../db/knex';

/**
 * Counts one request against `key` in a fixed window and says whether it is
 * within `limit`. One statement, so concurrent requests from many instances
 * count exactly; a window that has passed starts again at 1.
 */
export async function hitRateLimit(db: Db, key: string, limit: number, windowMs: number): Promise<boolean> {
  const { rows } = await db.raw(
    `insert into rate_limits (key, window_start, count) values (?, now(), 1)
     on conflict (key) do update set
       count = case when rate_limits.window_start < now() - (? * interval '1 millisecond') then 1 else rate_limits.count + 1 end,
       window_start = case when rate_limits.window_start < now() - (? * interval '1 millisecond') then now() else rate_limits.window_start end
     returning count`,
    [key, windowMs, windowMs],
  );
  return Number(rows[0].count) <= limit;
}

/** Whether `key` has already used up `limit` in its current window, without counting a request. */
export async function rateLimitReached(db: Db, key: string, limit: number, windowMs: number): Promise<boolean> {
  const row: { count: number } | undefined = await db('rate_limits')
    .where({ key })
    .whereRaw("window_start >= now() - (? * interval '1 millisecond')", [windowMs])
    .first('count');
  return (row?.count ?? 0) >= limit;
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
  await db('rate_limits').where({ key }).delete();
}

export async function deleteRateLimitWindowsBefore(db: Db, before: Date): Promise<number> {
  return db('rate_limits').where('window_start', '<', before).delete();
}
