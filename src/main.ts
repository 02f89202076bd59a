import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded';
import { createDb, migrateToLatest } from './db/knex';
import { createLogger } from './lib/logger';
import { Scheduler } from './jobs/scheduler';
import { createOutboxWorker } from './mail/outbox-worker-factory';
import { createMailTransport } from './mail/transport';
import { SettingsCache } from './settings/settings';
import { setupLink } from './admin/auth-routes';
import { countStaffUsers } from './admin/staff-users';
import { randomToken } from './lib/tokens';
import { SCHEDULED_JOBS } from './jobs/scheduled-jobs';
import { startStripeEmulator, type RunningEmulator } from '@sustain/stripe-emulator';
import { formatMoney } from './lib/money';
import { createStripeClient, STRIPE_API_VERSION } from './stripe/client';

function embeddedDataDir(database: Config['database']): string | null {
  return 'embedded' in database ? database.embedded.dataDir : null;
}

/**
 * The emulator keeps its objects in the data folder, beside the embedded
 * database, so a restart carries on with the memberships it sold. With
 * DATABASE_URL, config names no data folder; asking it as if the database
 * were embedded gives DATA_DIR with its one default.
 */
function emulatorStateFile(config: Config): string {
  const dataDir = embeddedDataDir(config.database) ?? embeddedDataDir(loadConfig({ ...process.env, DATABASE_URL: undefined }).database)!;
  return path.join(dataDir, 'stripe-emulator.json');
}

/** Process entry: config -> database -> migrations -> (emulator) -> app -> listen. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl: string;
  if ('url' in config.database) {
    databaseUrl = config.database.url;
  } else {
    // Pool of 8 against a socket server that accepts more, as PGlite needs.
    embedded = await startEmbeddedPostgres({ dataDir: config.database.embedded.dataDir, maxConnections: 32 });
    databaseUrl = embedded.url;
    // The URL holds no secret (loopback only, fixed local credentials); logging it lets a developer psql in.
    logger.info(
      { data_dir: config.database.embedded.dataDir, database_url: embedded.url },
      'using embedded PostgreSQL (set DATABASE_URL for a server)',
    );
  }
  const db = createDb({ url: databaseUrl, poolMax: embedded ? 8 : 10 });
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied.length }, 'applied migrations');

  // Listen first so the emulator knows where to deliver webhooks even on PORT=0.
  const server = http.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `Port ${config.port} is already in use; set PORT to another port` : String(error), {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  // PORT=0 picks a free port; the default BASE_URL must name the real one.
  if (config.port === 0) config = loadConfig({ ...process.env, PORT: String(port) });

  let emulator: RunningEmulator | null = null;
  if (config.stripe.emulator) {
    try {
      emulator = await startStripeEmulator({
        port: config.stripe.emulator.port,
        webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
        webhookSecret: config.stripe.webhookSecret,
        apiVersion: STRIPE_API_VERSION,
        logger,
        formatMoney,
        stateFile: emulatorStateFile(config),
      });
    } catch (error) {
      server.close();
      await db.destroy();
      await embedded?.stop();
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `Port ${config.stripe.emulator.port} (the local Stripe emulator) is already in use; set STRIPE_EMULATOR_PORT to another port`
          : String(error),
        { cause: error },
      );
    }
    logger.info({ url: emulator.url }, 'using the local Stripe emulator (set STRIPE_SECRET_KEY for Stripe)');
  }
  const stripe = createStripeClient(
    config,
    emulator ? { host: '127.0.0.1', port: emulator.port, protocol: 'http' } : undefined,
  );
  const checkoutOrigins = emulator
    ? [new URL(emulator.url).origin, `http://localhost:${emulator.port}`, `http://127.0.0.1:${emulator.port}`]
    : ['https://checkout.stripe.com'];
  const settings = new SettingsCache(db, undefined, undefined, (key, problem) =>
    logger.warn({ setting: key, problem }, 'a stored setting is invalid and was ignored; its defaults apply'),
  );
  const staffSetupToken = config.env === 'production' ? null : randomToken();
  const app = createApp({ config, db, stripe, logger, checkoutOrigins, settings, staffSetupToken });
  server.on('request', app);

  // The outbox worker runs in every app process by default; rows are claimed
  // with SKIP LOCKED, so more instances (or `npm run worker`) just share the work.
  const mail = createMailTransport(config.mail.smtpUrl, db);
  const worker = createOutboxWorker(config, db, mail, settings, logger);
  worker.start();
  // Scheduled work (year-end statements) runs wherever the advisory lock is free.
  const scheduler = new Scheduler({ db, settings, logger, jobs: SCHEDULED_JOBS });
  scheduler.start();
  logger.info({ port, url: config.env === 'production' ? config.baseUrl : `http://localhost:${port}/donate` }, 'Sustain is listening');
  if (emulator) {
    // One plain line for the person who just typed `npm start`.
    process.stderr.write(
      `\nSustain is running: open ${config.baseUrl}/donate and pay with test card 4242 4242 4242 4242.\n` +
        (mail.kind === 'dev-mailbox' ? `Email goes to the local mailbox at ${config.baseUrl}/dev/mailbox.\n\n` : '\n'),
    );
  }
  if ((await countStaffUsers(db)) === 0) {
    if (config.env === 'production') {
      logger.warn('no staff account yet: create one with npm run admin:create -- --email E --password P --role admin');
    } else {
      // The link is a secret (it creates an admin), so it goes to the terminal, not the log.
      process.stderr.write(`No staff account yet. Create the first one at ${setupLink(config.baseUrl, staffSetupToken!)}\n\n`);
    }
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ step }, 'shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    let step = 'http';
    // Stop accepting; idle keep-alive sockets close now, busy ones after their
    // response or, at the latest, after a short grace period.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), 3_000);
    await closed;
    clearTimeout(grace);
    step = 'worker';
    await worker.stop();
    await scheduler.stop();
    mail.close();
    step = 'emulator';
    await emulator?.close();
    step = 'database';
    await db.destroy();
    await embedded?.stop();
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Sustain failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
