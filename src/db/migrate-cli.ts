import { loadConfig } from '../config';
import { withCliDatabase } from './cli-database';
import { migrateToLatest } from './knex';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function run(): Promise<void> {
  const applied = await withCliDatabase(loadConfig(process.env), (db) => migrateToLatest(db));
  process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n${applied.join('\n')}\n` : 'Already up to date.\n');
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
