import type { Express } from 'express';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/lib/logger';
import { createStripeClient } from '../../src/stripe/client';
import { openTestDb, resetTestDb, testDatabaseUrl } from './db';

export const TEST_WEBHOOK_SECRET = 'whsec_test_sustain_integration';
export const TEST_BASE_URL = 'http://localhost:3000';
export const NEWSROOM_ORIGIN = 'https://news.example.org';

export interface TestApp {
  app: Express;
  db: Knex;
  config: Config;
  stripe: Stripe;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The real app, built the way main.ts builds it, against the test database and nock'd Stripe. */
export async function bootTestApp(env: Record<string, string> = {}, options: { staffSetupToken?: string; logger?: Logger } = {}): Promise<TestApp> {
  const db = await openTestDb();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    STRIPE_SECRET_KEY: 'sk_test_sustain_integration',
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    BASE_URL: TEST_BASE_URL,
    EMBED_ALLOWED_ORIGINS: NEWSROOM_ORIGIN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  // No retries: a test's nock interceptor answers once.
  const stripe = createStripeClient(config, undefined, { maxNetworkRetries: 0 });
  const logger = options.logger ?? createLogger(config.logLevel);
  const app = createApp({ config, db, stripe, logger, checkoutOrigins: ['https://checkout.stripe.com'], staffSetupToken: options.staffSetupToken });
  return {
    app,
    db,
    config,
    stripe,
    reset: () => resetTestDb(db),
    close: () => db.destroy(),
  };
}

let eventCounter = 0;

/** A Stripe event as Stripe would deliver it, with a valid signature header. */
export function signedEvent(
  type: string,
  object: object,
  options: { id?: string; created?: number; secret?: string } = {},
): { event: Stripe.Event; payload: string; signature: string } {
  eventCounter += 1;
  const event = {
    id: options.id ?? `evt_test_${Date.now()}_${eventCounter}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_WEBHOOK_SECRET,
  });
  return { event, payload, signature };
}
