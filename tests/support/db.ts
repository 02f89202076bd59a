import type { Knex } from 'knex';
import { createDb, migrateToLatest } from '../../src/db/knex';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (global setup should have set it)');
  return url;
}

/** Each Jest worker gets its own schema, so parallel workers never see each other's rows. */
export function workerSchema(): string {
  return `sustain_test_${process.env.JEST_WORKER_ID ?? '1'}`;
}

const TABLES_IN_DELETE_ORDER = ['donations', 'donors', 'stripe_events', 'settings'];

export async function openTestDb(): Promise<Knex> {
  const schema = workerSchema();
  const db = createDb({ url: testDatabaseUrl(), schema, poolMax: 8 });
  await migrateToLatest(db, schema);
  return db;
}

export async function resetTestDb(db: Knex): Promise<void> {
  await db.raw(`truncate ${TABLES_IN_DELETE_ORDER.map((t) => `"${t}"`).join(', ')} cascade`);
}
