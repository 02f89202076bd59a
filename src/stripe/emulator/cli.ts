import { DEV_WEBHOOK_SECRET } from '../../config';
import { createLogger } from '../../lib/logger';
import { startStripeEmulator } from './index';

/**
 * Runs the emulator on its own, for scripts or for an app started separately:
 *
 *   tsx src/stripe/emulator/cli.ts [--webhook-url URL | --no-webhooks]
 *
 * Reads STRIPE_EMULATOR_PORT (default 12111, as stripe-mock uses),
 * STRIPE_WEBHOOK_SECRET (default: the development secret the app also
 * defaults to) and LOG_LEVEL.
 */

const DEFAULT_PORT = 12111;
const DEFAULT_WEBHOOK_URL = 'http://localhost:3000/webhooks/stripe';

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: stripe-emulator [--webhook-url URL | --no-webhooks]\n`);
  process.exit(2);
}

function parseWebhookUrl(args: readonly string[]): string | null {
  let webhookUrl: string | null = DEFAULT_WEBHOOK_URL;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--no-webhooks') webhookUrl = null;
    else if (arg === '--webhook-url') webhookUrl = args[++i] ?? usage('--webhook-url needs a URL');
    else if (arg.startsWith('--webhook-url=')) webhookUrl = arg.slice('--webhook-url='.length);
    else usage(`unknown argument: ${arg}`);
  }
  if (webhookUrl !== null && !/^https?:\/\/\S+$/.test(webhookUrl)) usage(`not an http(s) URL: ${webhookUrl}`);
  return webhookUrl;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`STRIPE_EMULATOR_PORT is not a port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const webhookUrl = parseWebhookUrl(process.argv.slice(2));
  const port = parsePort(process.env.STRIPE_EMULATOR_PORT);
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim() || DEV_WEBHOOK_SECRET;
  const logger = createLogger(process.env.LOG_LEVEL?.trim() || 'info');

  const emulator = await startStripeEmulator({ port, webhookUrl, webhookSecret, logger });
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
