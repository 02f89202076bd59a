import { ConfigError, loadConfig } from '../config';
import { createDb } from '../db/knex';
import { createLogger } from '../lib/logger';
import { Scheduler } from './scheduler';
import { SCHEDULED_JOBS } from './scheduled-jobs';
import { SettingsCache } from '../settings/settings';
import { createOutboxWorker } from '../mail/outbox-worker-factory';
import { createMailTransport } from '../mail/transport';

/**
 * `npm run worker`: the outbox worker and scheduled jobs on their own, for deployments that keep
 * web processes free of background work. It shares the database with the app.
 */
async function run(): Promise<void> {
  const config = loadConfig(process.env);
  if (!('url' in config.database)) {
    // The embedded database belongs to one process (the app), which already runs the worker.
    throw new ConfigError(['DATABASE_URL: required for a separate worker; without it, `npm start` runs the worker itself']);
  }
  const logger = createLogger(config.logLevel);
  const db = createDb({ url: config.database.url, poolMax: 4 });
  const settings = new SettingsCache(db);
  const transport = createMailTransport(config.mail.smtpUrl, db);
  const worker = createOutboxWorker(config, db, transport, settings, logger);
  worker.start();
  const scheduler = new Scheduler({ db, settings, logger, jobs: SCHEDULED_JOBS });
  scheduler.start();
  logger.info({ transport: transport.kind }, 'outbox worker started');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'outbox worker stopping');
    await worker.stop();
    await scheduler.stop();
    transport.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
