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

export async function openTestDb(): Promise<Knex> {
  const schema = workerSchema();
  const db = createDb({ url: testDatabaseUrl(), schema, poolMax: 4 });
  await migrateToLatest(db, schema);
  return db;
}

/** Empties every table of the worker's schema except knex's own bookkeeping. */
export async function resetTestDb(db: Knex): Promise<void> {
  const tables: string[] = await db('pg_tables')
    .where({ schemaname: workerSchema() })
    .whereNotIn('tablename', ['knex_migrations', 'knex_migrations_lock'])
    .pluck('tablename');
  if (tables.length > 0) await db.raw(`truncate ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`);
}
