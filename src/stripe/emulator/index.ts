import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock';
import { SILENT_LOGGER, type EmulatorContext, type EmulatorLogger } from './context';
import { runDueWork } from './emulator-routes';
import { EventPublisher } from './events';
import { createEmulatorApp } from './server';
import { EmulatorStore } from './store';
import { DEFAULT_RETRY_DELAYS_MS, WebhookDelivery } from './webhook-delivery';

/**
 * The local Stripe emulator: a development and test stand-in for the part of
 * Stripe's API that Sustain uses. See DESIGN.md, "The local Stripe emulator".
 */

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Base URL of the hosted checkout and portal pages in sessions' `url`; default `http://localhost:<port>`. */
  publicUrl?: string;
  /** Where signed events are POSTed (the app's /webhooks/stripe); null records them only. */
  webhookUrl: string | null;
  /** whsec_… secret deliveries are signed with, as Stripe signs them. */
  webhookSecret: string;
  /** Pino-compatible; the emulator logs ids and event types, never emails or names. */
  logger?: EmulatorLogger;
  /** For tests: waits before each webhook retry (default 1, 2, 4, 8, 16 s; its length is the retry count). */
  retryDelaysMs?: readonly number[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Sessions past `expires_at` on the wall clock are expired, and subscriptions
 * falling due are billed, about this often, as Stripe does in the background.
 */
const SWEEP_INTERVAL_MS = 60_000;

export async function startStripeEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? SILENT_LOGGER;
  const store = new EmulatorStore();
  const clock = new EmulatorClock();
  const delivery = options.webhookUrl
    ? new WebhookDelivery({
        url: options.webhookUrl,
        secret: options.webhookSecret,
        logger,
        retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
        onDelivered: (eventId) => events.markDelivered(eventId),
      })
    : null;
  const events = new EventPublisher(store, clock, delivery);
  const ctx: EmulatorContext = { store, clock, events, logger, publicUrl: '' };

  const app = createEmulatorApp(ctx);
  const server = app.listen(options.port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  ctx.publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const sweep = setInterval(() => {
    runDueWork(ctx).catch((err: unknown) => logger.warn({ err }, 'stripe emulator background work failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  logger.info({ url, webhooks: options.webhookUrl !== null }, 'stripe emulator listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        clearInterval(sweep);
        delivery?.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
