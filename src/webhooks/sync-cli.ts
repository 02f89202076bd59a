import { ConfigError } from '../config';
import { defineCommand, runCliAsMain, UsageError } from '../lib/cli';
import { createLogger } from '../lib/logger';
import { createStripeClient } from '../stripe/client';
import { syncStripeEvents } from './sync-events';

/** `npm run stripe:sync -- --since 2026-11-01`: replays Stripe's events since a date through the webhook handlers. */
export const stripeSyncCommand = defineCommand({
  name: 'stripe:sync',
  description:
    "Replays Stripe's events since a date through the webhook handlers, after an outage; events already recorded are skipped. Needs STRIPE_SECRET_KEY.",
  options: {
    since: { type: 'string', value: 'DATE', required: true, help: 'a date (2026-11-01) or an ISO time (2026-11-01T08:00:00Z)' },
  },
  async run({ values, config, withDatabase, stdout }) {
    const since = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(values.since) ? new Date(values.since) : null;
    if (!since || Number.isNaN(since.getTime())) throw new UsageError('--since: give a date, e.g. --since 2026-11-01');
    const { stripe, logLevel } = config();
    if (stripe.emulator) throw new ConfigError(['STRIPE_SECRET_KEY: set it to sync from Stripe (the emulator lives inside npm start)']);
    const logger = createLogger(logLevel);
    const result = await withDatabase((db) => syncStripeEvents(db, createStripeClient(config()), since, logger));
    stdout.write(`${result.seen} event(s) since ${since.toISOString()}: ${result.applied} applied, ${result.alreadyRecorded} already recorded.\n`);
  },
});

if (require.main === module) runCliAsMain(stripeSyncCommand);
