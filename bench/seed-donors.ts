import { createDb } from '../src/db/knex';
import { countSeededRows, seedDemo, type SeedReport, type SeedSizes } from '../src/dev/seed-demo';

/**
 * The staff console benchmark's donor base (bench/admin-console.ts): the same
 * seeding as `npm run seed:demo` (src/dev/seed-demo.ts), at the sizes the
 * benchmark asks for, into the fresh migrated database it made. A repeatable
 * run: the same sizes give the same donors, gifts and ids every time, dated
 * back from `now`.
 */

export type { SeedReport, SeedSizes } from '../src/dev/seed-demo';
export type { SeedStep } from '../src/dev/seed-demo';
export { countSeededRows };

export async function seedDonors(url: string, sizes: SeedSizes, now: Date): Promise<SeedReport> {
  const db = createDb({ url, poolMax: 1 });
  try {
    return await seedDemo(db, { sizes, now });
  } finally {
    await db.destroy();
  }
}
