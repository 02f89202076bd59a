import { loadConfig } from './../config';
import { startEmbeddedPostgres } from './embedded';
import { createDb, migrateToLatest } from './knex';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const embedded = 'url' in config.database
    ? null
    : await startEmbeddedPostgres({ dataDir: config.database.embedded.dataDir, maxConnections: 4 });
  const db = createDb({ url: 'url' in config.database ? config.database.url : embedded!.url, poolMax: 2 });
  try {
    const applied = await migrateToLatest(db);
    process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n${applied.join('\n')}\n` : 'Already up to date.\n');
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
