import { ConfigError } from '../config';
import { createDb } from '../db/knex';
import { defineCommand, runCliAsMain } from '../lib/cli';
import { createLogger } from '../lib/logger';
import { createOutboxWorker } from '../mail/outbox-worker-factory';
import { createMailTransport } from '../mail/transport';
import { SettingsCache } from '../settings/settings';
import { Scheduler } from './scheduler';
import { SCHEDULED_JOBS } from './scheduled-jobs';

/**
 * `npm run worker`: the outbox worker and scheduled jobs on their own, for deployments that keep
 * web processes free of background work. It shares the database with the app.
 */
export const workerCommand = defineCommand({
  name: 'worker',
  description:
    'Runs the email outbox worker and the scheduled jobs until SIGINT or SIGTERM, for deployments that keep them out of the web processes. Needs DATABASE_URL.',
  options: {},
  async run({ config }) {
    const { database, logLevel } = config();
    if (!('url' in database)) {
      // The embedded database belongs to one process (the app), which already runs the worker.
      throw new ConfigError(['DATABASE_URL: required for a separate worker; without it, `npm start` runs the worker itself']);
    }
    const logger = createLogger(logLevel);
    const db = createDb({ url: database.url, poolMax: 4 });
    const settings = new SettingsCache(db);
    const transport = createMailTransport(config().mail.smtpUrl, db);
    const worker = createOutboxWorker(config(), db, transport, settings, logger);
    const scheduler = new Scheduler({ db, settings, logger, jobs: SCHEDULED_JOBS });
    const signal = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    worker.start();
    scheduler.start();
    logger.info({ transport: transport.kind }, 'outbox worker started');

    logger.info({ signal: await signal }, 'outbox worker stopping');
    await worker.stop();
    await scheduler.stop();
    transport.close();
    await db.destroy();
  },
});

if (require.main === module) runCliAsMain(workerCommand);
