import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import pg from 'pg';

export type Db = Knex | Knex.Transaction;

// int8 (counts, sums) arrives as a string by default; our sums of minor units
// stay far below 2^53, so numbers are safe and simpler to handle.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export interface DbOptions {
  url: string;
  poolMax?: number;
  /** Schema to use instead of public (tests isolate workers this way). */
  schema?: string;
}

export function createDb(options: DbOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: options.url,
    pool: { min: 0, max: options.poolMax ?? 10 },
    searchPath: options.schema ? [options.schema] : undefined,
    acquireConnectionTimeout: 10_000,
    migrations: migrationConfig(options.schema),
  });
}

export function migrationConfig(schema?: string): Knex.MigratorConfig {
  return {
    directory: MIGRATIONS_DIR,
    loadExtensions: ['.ts', '.js'],
    schemaName: schema,
  };
}

export async function migrateToLatest(db: Knex, schema?: string): Promise<string[]> {
  if (schema) await db.raw('create schema if not exists ??', [schema]);
  const [, applied] = (await db.migrate.latest(migrationConfig(schema))) as [number, string[]];
  return applied;
}
