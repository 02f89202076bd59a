import { startStripeEmulator } from '@sustain/stripe-emulator';
import { DEV_WEBHOOK_SECRET } from '../config';
import { defineCommand, runCliAsMain, UsageError } from '../lib/cli';
import { createLogger } from '../lib/logger';
import { formatMoney } from '../lib/money';
import { STRIPE_API_VERSION } from './client';

const DEFAULT_PORT = 12111;
const DEFAULT_WEBHOOK_URL = 'http://localhost:3000/webhooks/stripe';

/**
 * `npm run stripe:emulator`: the local Stripe emulator on its own, for scripts
 * or for an app started separately. Reads STRIPE_EMULATOR_PORT (default 12111,
 * as stripe-mock uses), STRIPE_WEBHOOK_SECRET (default: the development secret
 * the app also defaults to) and LOG_LEVEL.
 */
export const stripeEmulatorCommand = defineCommand({
  name: 'stripe:emulator',
  description:
    'Runs the local Stripe emulator (test mode only) until SIGINT or SIGTERM. Environment: STRIPE_EMULATOR_PORT (default 12111), STRIPE_WEBHOOK_SECRET, LOG_LEVEL.',
  options: {
    'webhook-url': { type: 'string', value: 'URL', help: `where signed events are POSTed (default ${DEFAULT_WEBHOOK_URL})` },
    'no-webhooks': { type: 'boolean', help: 'record events (GET /v1/events) without delivering them' },
    'state-file': { type: 'string', value: 'PATH', help: "keep the emulator's objects in this JSON file across restarts (default: memory only)" },
  },
  async run({ values, env }) {
    if (values['no-webhooks'] && values['webhook-url'] !== undefined) throw new UsageError('use either --webhook-url or --no-webhooks');
    const webhookUrl = values['no-webhooks'] ? null : (values['webhook-url'] ?? DEFAULT_WEBHOOK_URL);
    if (webhookUrl !== null && !/^https?:\/\/\S+$/.test(webhookUrl)) throw new UsageError(`not an http(s) URL: ${webhookUrl}`);
    const port = parsePort(env.STRIPE_EMULATOR_PORT);
    const logger = createLogger(env.LOG_LEVEL?.trim() || 'info');
    const emulator = await startStripeEmulator({
      port,
      webhookUrl,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET?.trim() || DEV_WEBHOOK_SECRET,
      apiVersion: STRIPE_API_VERSION,
      logger,
      formatMoney,
      stateFile: values['state-file'],
    });
    logger.info({ url: emulator.url, webhookUrl }, 'stripe emulator ready (test mode only)');
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'stripe emulator shutting down');
    // Writes the state file one last time.
    await emulator.close();
  },
});

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`STRIPE_EMULATOR_PORT is not a port: ${value}`);
  return port;
}

if (require.main === module) runCliAsMain(stripeEmulatorCommand);
