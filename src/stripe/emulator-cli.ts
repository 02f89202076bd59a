import { parseArgs } from 'node:util';
import { startStripeEmulator } from '@sustain/stripe-emulator';
import { DEV_WEBHOOK_SECRET } from '../config';
import { createLogger } from '../lib/logger';
import { formatMoney } from '../lib/money';
import { STRIPE_API_VERSION } from './client';

/**
 * `npm run stripe:emulator`: the local Stripe emulator on its own, for scripts
 * or for an app started separately. Reads STRIPE_EMULATOR_PORT (default 12111,
 * as stripe-mock uses), STRIPE_WEBHOOK_SECRET (default: the development secret
 * the app also defaults to) and LOG_LEVEL.
 */

const DEFAULT_PORT = 12111;
const DEFAULT_WEBHOOK_URL = 'http://localhost:3000/webhooks/stripe';

const USAGE = `usage: npm run stripe:emulator -- [--webhook-url URL | --no-webhooks] [--state-file PATH]

  --webhook-url URL   where signed events are POSTed (default ${DEFAULT_WEBHOOK_URL})
  --no-webhooks       record events (GET /v1/events) without delivering them
  --state-file PATH   keep the emulator's objects in this JSON file across restarts
                      (default: kept in memory only)
  --help              show this help

environment: STRIPE_EMULATOR_PORT (default ${DEFAULT_PORT}), STRIPE_WEBHOOK_SECRET, LOG_LEVEL
`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}`);
  process.exit(2);
}

interface CliOptions {
  webhookUrl: string | null;
  stateFile: string | undefined;
}

function parseOptions(args: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        'webhook-url': { type: 'string' },
        'no-webhooks': { type: 'boolean' },
        'state-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values['no-webhooks'] && values['webhook-url'] !== undefined) usage('use either --webhook-url or --no-webhooks');
  const webhookUrl = values['no-webhooks'] ? null : (values['webhook-url'] ?? DEFAULT_WEBHOOK_URL);
  if (webhookUrl !== null && !/^https?:\/\/\S+$/.test(webhookUrl)) usage(`not an http(s) URL: ${webhookUrl}`);
  return { webhookUrl, stateFile: values['state-file'] };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`STRIPE_EMULATOR_PORT is not a port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const { webhookUrl, stateFile } = parseOptions(process.argv.slice(2));
  const port = parsePort(process.env.STRIPE_EMULATOR_PORT);
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim() || DEV_WEBHOOK_SECRET;
  const logger = createLogger(process.env.LOG_LEVEL?.trim() || 'info');

  const emulator = await startStripeEmulator({
    port,
    webhookUrl,
    webhookSecret,
    apiVersion: STRIPE_API_VERSION,
    logger,
    formatMoney,
    stateFile,
  });
  logger.info({ url: emulator.url, webhookUrl }, 'stripe emulator ready (test mode only)');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stripe emulator shutting down');
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`stripe emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
