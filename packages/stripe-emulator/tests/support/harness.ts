import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type RetentionLimits, type RunningEmulator } from '../../src';

export const WEBHOOK_SECRET = 'whsec_emulator_test_secret';
/** The version the emulator's objects are shaped for, and the SDK's pinned one. */
export const API_VERSION = '2026-10-28.endive';

export interface Delivery {
  rawBody: string;
  signature: string;
  contentType: string;
  // Stripe objects are loosely shaped here; each test narrows what it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: { id: string; type: string; data: { object: Record<string, any>; previous_attributes?: Record<string, any> } };
}

/**
 * A stand-in for the app's webhook endpoint: records every delivery with its
 * raw bytes and answers with whatever status `answer` says (200 by default).
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  answer: (delivery: Delivery, attempt: number) => number = () => 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const delivery: Delivery = {
        rawBody,
        signature: String(req.headers['stripe-signature'] ?? ''),
        contentType: String(req.headers['content-type'] ?? ''),
        event: JSON.parse(rawBody),
      };
      const attempt = this.deliveries.filter((d) => d.event.id === delivery.event.id).length + 1;
      this.deliveries.push(delivery);
      res.statusCode = this.answer(delivery, attempt);
      res.end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  types(): string[] {
    return this.deliveries.map((d) => d.event.type);
  }
}

/** The JSON body of an error answer from the emulator. */
export interface StripeErrorBody {
  error: { type: string; message: string; code?: string; param?: string };
}

export interface Harness {
  emulator: RunningEmulator;
  receiver: WebhookReceiver;
  stripe: Stripe;
  close(): Promise<void>;
}

/** An emulator on a free port, delivering to a local receiver, driven by the real SDK. */
export async function startHarness(
  options: { retryDelaysMs?: number[]; stateFile?: string; retention?: Partial<RetentionLimits> } = {},
): Promise<Harness> {
  const receiver = new WebhookReceiver();
  const webhookUrl = await receiver.start();
  const emulator = await startStripeEmulator({
    port: 0,
    webhookUrl,
    webhookSecret: WEBHOOK_SECRET,
    apiVersion: API_VERSION,
    retryDelaysMs: options.retryDelaysMs ?? [20, 40, 80],
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
  });
  const stripe = stripeClient(emulator, 'sk_test_emulator');
  return {
    emulator,
    receiver,
    stripe,
    async close() {
      await emulator.close();
      await receiver.stop();
    },
  };
}

export function stripeClient(emulator: RunningEmulator, key: string): Stripe {
  return new Stripe(key, {
    host: '127.0.0.1',
    port: emulator.port,
    protocol: 'http',
    apiVersion: API_VERSION,
    maxNetworkRetries: 0,
  });
}

/** The params Sustain's donate flow sends for a one-time gift. */
export function donationParams(overrides: Stripe.Checkout.SessionCreateParams = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    submit_type: 'donate',
    customer_creation: 'always',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 2606, product_data: { name: 'One-time gift to The Ledger' } },
      },
    ],
    customer_email: 'reader@example.org',
    client_reference_id: 'donation-42',
    metadata: { donation_id: '42' },
    payment_intent_data: { metadata: { donation_id: '42' }, description: 'Gift to The Ledger' },
    success_url: 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/donate?cancelled=1',
    ...overrides,
  };
}

export const GOOD_CARD = {
  email: 'reader@example.org',
  cardholder_name: 'Ada Reader',
  card_number: '4242 4242 4242 4242',
  card_expiry: '12 / 34',
  card_cvc: '123',
  postal_code: '10001',
};

/** Submits the hosted checkout form as a browser would, without following the redirect. */
export function submitCheckoutForm(
  emulator: RunningEmulator,
  sessionId: string,
  fields: Record<string, string>,
): Promise<Response> {
  return fetch(`${emulator.url}/checkout/${sessionId}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Polls until `check` stops throwing, for effects that happen in the background (webhook retries). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** POSTs a form to the emulator's control endpoints. */
export function postForm(emulator: RunningEmulator, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * One emulator for a test file (or, with freshEachTest, for each test):
 * started before, closed after, its webhook deliveries cleared before each test. The returned object stands for
 * the harness once it has started.
 */
export function useHarness(options: Parameters<typeof startHarness>[0] & { freshEachTest?: boolean } = {}): Harness {
  const { freshEachTest, ...harnessOptions } = options;
  let current: Harness | undefined;
  const start = async () => {
    current = await startHarness(harnessOptions);
  };
  const stop = async () => {
    await current?.close();
    current = undefined;
  };
  // A fresh emulator per test where tests move its clock or its objects in ways others must not see.
  if (freshEachTest) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  beforeEach(() => {
    if (current) current.receiver.deliveries.length = 0;
  });
  return new Proxy({} as Harness, {
    get: (_target, key) => {
      if (!current) throw new Error('the harness starts in beforeAll; use it inside a test');
      return Reflect.get(current, key);
    },
  });
}
