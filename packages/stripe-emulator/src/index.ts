import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './engine/clock';
import {
  DEFAULT_MONEY_FORMATTER,
  SILENT_LOGGER,
  type EmulatorContext,
  type EmulatorLogger,
  type MoneyFormatter,
} from './engine/context';
import { changedAnything, runDueWork } from './engine/due-work';
import { EventPublisher } from './engine/events';
import { DEFAULT_RETENTION, type RetentionLimits } from './engine/eviction';
import { loadState, StateFileWriter } from './engine/state-file';
import { EmulatorStore } from './engine/store';
import { DEFAULT_RETRY_DELAYS_MS, WebhookDelivery } from './engine/webhook-delivery';
import { createEmulatorApp } from './server';

/**
 * The local Stripe emulator: a development and test stand-in for the part of
 * Stripe's API that Sustain uses; its contract is in this package's README.
 * It imports nothing from the app; the app's entry points pass in what it
 * needs (API version, webhook secret, logger, money formatter).
 */

export type { EmulatorLogger, MoneyFormatter, RetentionLimits };

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
  /**
   * The Stripe API version the host app pins (`Stripe-Version`, `api_version` on events).
   * The objects are shaped for 2026-10-28.endive; another version only changes the label.
   */
  apiVersion: string;
  /** Pino-compatible; the emulator logs ids and event types, never emails or names. Default: silent. */
  logger?: EmulatorLogger;
  /** Amounts on the hosted pages and in messages; default: en-US with two decimals. */
  formatMoney?: MoneyFormatter;
  /**
   * A JSON file the objects and the clock's advance are kept in: read at
   * start when it exists, written (atomically, debounced) after changes and
   * on close(). Without it everything is forgotten when the process ends.
   */
  stateFile?: string;
  /** How long closed checkout sessions and idempotency keys are kept, and how many events. */
  retention?: Partial<RetentionLimits>;
  /** For tests: waits before each webhook retry (default 1, 2, 4, 8, 16 s; its length is the retry count). */
  retryDelaysMs?: readonly number[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  /** Stops serving and delivering, and writes the state file if anything is unsaved. */
  close(): Promise<void>;
}

/**
 * Sessions past `expires_at` on the wall clock are expired, subscriptions
 * falling due are billed, and old objects are dropped, about this often, as
 * Stripe does in the background.
 */
const SWEEP_INTERVAL_MS = 60_000;

function initialState(options: EmulatorOptions, logger: EmulatorLogger): { store: EmulatorStore; clock: EmulatorClock } {
  if (!options.stateFile) return { store: new EmulatorStore(), clock: new EmulatorClock() };
  const loaded = loadState(options.stateFile);
  if (loaded.restored) {
    const { store } = loaded;
    const counts = { customers: store.customers.size, subscriptions: store.subscriptions.size, events: store.events.size };
    logger.info({ ...counts, clockOffsetSeconds: loaded.clock.offset }, 'stripe emulator restored its state');
    if (loaded.apiVersion !== options.apiVersion) {
      logger.warn({ saved: loaded.apiVersion, current: options.apiVersion }, 'stripe emulator state was saved for another API version');
    }
  }
  return loaded;
}

export async function startStripeEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? SILENT_LOGGER;
  const { store, clock } = initialState(options, logger);
  const retention: RetentionLimits = { ...DEFAULT_RETENTION, ...options.retention };
  const delivery = options.webhookUrl
    ? new WebhookDelivery({
        url: options.webhookUrl,
        secret: options.webhookSecret,
        logger,
        retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
        onDelivered: (eventId) => events.markDelivered(eventId),
      })
    : null;
  const events = new EventPublisher(store, clock, delivery, options.apiVersion, retention);
  const ctx: EmulatorContext = {
    store,
    clock,
    events,
    logger,
    formatMoney: options.formatMoney ?? DEFAULT_MONEY_FORMATTER,
    apiVersion: options.apiVersion,
    retention,
    publicUrl: '',
  };
  const stateFile = options.stateFile
    ? new StateFileWriter({ file: options.stateFile, store, clock, apiVersion: options.apiVersion, logger })
    : null;
  if (stateFile) store.onChange(() => stateFile.changed());

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
    runDueWork(ctx).then(
      (report) => {
        if (changedAnything(report)) store.markChanged();
      },
      (err: unknown) => logger.warn({ err }, 'stripe emulator background work failed'),
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  logger.info({ url, webhooks: options.webhookUrl !== null, stateFile: options.stateFile ?? null }, 'stripe emulator listening');

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
      }).finally(() => stateFile?.close());
      return closing;
    },
  };
}
