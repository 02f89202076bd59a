import { createHmac } from 'node:crypto';
import type { EmulatorLogger } from './context';

/**
 * Delivers events to the app's webhook endpoint the way Stripe does: a JSON
 * POST of the exact bytes that were signed, with a `Stripe-Signature` header
 * the SDK's `constructEvent` verifies. A failure (non-2xx, network error or
 * timeout) is retried in the background with backoff; Stripe retries for
 * days, the emulator a few times, then logs and gives up.
 */

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];
const TIMEOUT_MS = 10_000;

export interface WebhookDeliveryOptions {
  url: string;
  secret: string;
  logger: EmulatorLogger;
  /** Wait before each retry; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Called once the receiver answered 2xx, so the event's `pending_webhooks` can drop to 0. */
  onDelivered: (eventId: string) => void;
}

export interface OutgoingEvent {
  id: string;
  type: string;
  /** The serialized event; signed and sent byte for byte, on every attempt. */
  payload: string;
}

/**
 * `t` is wall-clock time, never the emulator's advanced clock: the receiver
 * rejects signatures whose timestamp is outside its tolerance of *its* now.
 */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export class WebhookDelivery {
  /** First attempts run one at a time, in emission order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: WebhookDeliveryOptions) {}

  /** Queues an event; resolves after its first attempt, whatever the outcome (retries continue in the background). */
  enqueue(event: OutgoingEvent): Promise<void> {
    const first = this.queue.then(() => this.attempt(event, 1));
    this.queue = first;
    return first;
  }

  /** Stops retries and aborts requests in flight; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private async attempt(event: OutgoingEvent, attempt: number): Promise<void> {
    if (this.closed) return;
    const failure = await this.post(event);
    if (failure === null) {
      this.options.onDelivered(event.id);
      return;
    }
    if (this.closed) return;
    const { logger, retryDelaysMs } = this.options;
    const delay = retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      const fields = { eventId: event.id, type: event.type, attempts: attempt };
      logger.warn(fields, 'stripe emulator gave up delivering a webhook');
      return;
    }
    const fields = { eventId: event.id, type: event.type, attempt, failure };
    logger.info(fields, 'stripe emulator webhook delivery failed; will retry');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  /** Returns null on a 2xx answer, else a short reason (never the body, which may hold personal data). */
  private async post(event: OutgoingEvent): Promise<string | null> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
    this.inFlight.add(controller);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signatureHeader(event.payload, this.options.secret),
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks; local emulator)',
        },
        body: event.payload,
        signal: controller.signal,
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (err) {
      return controller.signal.aborted ? 'timeout or shutdown' : `network error: ${(err as Error).message}`;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
  }
}
