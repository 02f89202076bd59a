import { ConfigError, loadConfig } from '../config';
import { withCliDatabase } from '../db/cli-database';
import { migrateToLatest } from '../db/knex';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../stripe/client';
import { syncStripeEvents } from './sync-events';

/** `npm run stripe:sync -- --since 2026-11-01`: replays Stripe's events since a date through the webhook handlers. */
function parseSince(argv: string[]): Date {
  const index = argv.indexOf('--since');
  const raw = index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--since='))?.slice('--since='.length);
  const since = raw && /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(raw) ? new Date(raw) : null;
  if (!since || Number.isNaN(since.getTime())) throw new ConfigError(['--since: give a date, e.g. --since 2026-11-01']);
  return since;
}

async function run(): Promise<void> {
  const since = parseSince(process.argv.slice(2));
  const config = loadConfig(process.env);
  if (config.stripe.emulator) throw new ConfigError(['STRIPE_SECRET_KEY: set it to sync from Stripe (the emulator lives inside npm start)']);
  const logger = createLogger(config.logLevel);
  const result = await withCliDatabase(config, async (db) => {
    await migrateToLatest(db);
    return syncStripeEvents(db, createStripeClient(config), since, logger);
  });
  process.stdout.write(`${result.seen} event(s) since ${since.toISOString()}: ${result.applied} applied, ${result.alreadyRecorded} already recorded.\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
