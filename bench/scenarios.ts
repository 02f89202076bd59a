import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import Stripe from 'stripe';
import { DEV_WEBHOOK_SECRET } from '../src/config';
import { STRIPE_API_VERSION } from '../src/stripe/client';

/**
 * The one-time donation path under load: the page, the form post that opens a
 * Checkout Session on the emulator, and the webhook endpoint (new events and
 * duplicate deliveries). Each scenario is a fixed autocannon configuration.
 */

export interface Scenario {
  name: string;
  /** What the app does for one request, for the report. */
  description: string;
  /** Statuses that count as a correct answer. */
  expected: number[];
  /** Runs once before the warm-up (e.g. deliver the event that will be replayed). */
  prepare?: (baseUrl: string) => Promise<void>;
  options(baseUrl: string): Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'body' | 'requests' | 'verifyBody'>;
}

/** The app verifies with this secret when STRIPE_WEBHOOK_SECRET is unset, as in the bench. */
const WEBHOOK_SECRET = DEV_WEBHOOK_SECRET;
const RUN_ID = randomBytes(4).toString('hex');

let eventCounter = 0;

/** A `product.created` event: no handler, so the app records it in the ledger and answers 200. */
function productCreatedEvent(id: string): string {
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created,
    data: {
      object: {
        id: `prod_bench_${id.slice(4)}`,
        object: 'product',
        active: true,
        created,
        description: null,
        livemode: false,
        metadata: {},
        name: 'Benchmark product',
        updated: created,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'product.created',
  });
}

function signedHeaders(payload: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
  };
}

const DUPLICATE_EVENT_ID = `evt_bench_${RUN_ID}_replayed`;
const duplicatePayload = productCreatedEvent(DUPLICATE_EVENT_ID);

function donateRequest(): autocannon.Request {
  let n = 0;
  return {
    method: 'POST',
    path: '/donate',
    setupRequest: (request) => {
      n += 1;
      return {
        ...request,
        method: 'POST',
        headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ amount: '25', frequency: 'once', email: `bench+${RUN_ID}-${n}@example.org` }).toString(),
      };
    },
  };
}

function newEventRequest(): autocannon.Request {
  return {
    method: 'POST',
    path: '/webhooks/stripe',
    setupRequest: (request) => {
      eventCounter += 1;
      const payload = productCreatedEvent(`evt_bench_${RUN_ID}_${eventCounter}`);
      return { ...request, method: 'POST', headers: { ...request.headers, ...signedHeaders(payload) }, body: payload };
    },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'GET /donate',
    description: 'renders the donate page (settings from the 5 s in-process cache)',
    expected: [200],
    options: (baseUrl) => ({ url: `${baseUrl}/donate`, method: 'GET', headers: { accept: 'text/html' } }),
  },
  {
    name: 'POST /donate',
    description: 'validates the form, inserts a pending donation, creates a Checkout Session on the emulator, stores its id; 303',
    expected: [303],
    options: (baseUrl) => ({ url: `${baseUrl}/donate`, requests: [donateRequest()] }),
  },
  {
    name: 'POST /webhooks/stripe (new events)',
    description: 'verifies the signature, records a new product.created event in stripe_events in one transaction; 200 "recorded"',
    expected: [200],
    options: (baseUrl) => ({
      url: `${baseUrl}/webhooks/stripe`,
      requests: [newEventRequest()],
      verifyBody: (body) => body.includes('"result":"recorded"'),
    }),
  },
  {
    name: 'POST /webhooks/stripe (duplicate)',
    description: 'the same event id delivered again and again: signature check, insert ... on conflict do nothing; 200 "duplicate"',
    expected: [200],
    prepare: async (baseUrl) => {
      const response = await fetch(`${baseUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: signedHeaders(duplicatePayload),
        body: duplicatePayload,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`first delivery of ${DUPLICATE_EVENT_ID} answered ${response.status}: ${text}`);
    },
    options: (baseUrl) => ({
      url: `${baseUrl}/webhooks/stripe`,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/stripe',
          // Re-signed per request, as Stripe does on every retry (fresh timestamp).
          setupRequest: (request) => ({
            ...request,
            method: 'POST',
            headers: { ...request.headers, ...signedHeaders(duplicatePayload) },
            body: duplicatePayload,
          }),
        },
      ],
      verifyBody: (body) => body.includes('"result":"duplicate"'),
    }),
  },
  {
    name: 'mixed POST /donate + new events',
    description:
      'each connection alternates a donate post and a new webhook event, as when readers open Checkout while Stripe delivers events: ' +
      'statements outside transactions run concurrently with short transactions',
    expected: [200, 303],
    options: (baseUrl) => ({ url: `${baseUrl}/donate`, requests: [donateRequest(), newEventRequest()] }),
  },
];

export function findScenarios(names: string[] | null): Scenario[] {
  if (!names) return SCENARIOS;
  const keys: Record<string, string> = {
    page: 'GET /donate',
    donate: 'POST /donate',
    webhook: 'POST /webhooks/stripe (new events)',
    duplicate: 'POST /webhooks/stripe (duplicate)',
    mixed: 'mixed POST /donate + new events',
  };
  return names.map((key) => {
    const scenario = SCENARIOS.find((s) => s.name === keys[key]);
    if (!scenario) throw new Error(`unknown scenario "${key}" (use ${Object.keys(keys).join(', ')})`);
    return scenario;
  });
}

export const SCENARIO_KEYS = ['page', 'donate', 'webhook', 'duplicate', 'mixed'] as const;
