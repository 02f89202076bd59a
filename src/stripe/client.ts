import Stripe from 'stripe';
import type { Config } from '../config';

/** The API version every request and webhook payload is shaped by; pinned to the SDK's. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

export interface StripeTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/**
 * The only place a Stripe client is built. With no secret key configured it
 * points at the local emulator; the request path is the production one.
 */
export function createStripeClient(
  config: Config,
  target?: StripeTarget,
  options: { maxNetworkRetries?: number } = {},
): Stripe {
  const emulator = config.stripe.emulator;
  const where: Partial<StripeTarget> =
    target ?? (emulator ? { host: '127.0.0.1', port: emulator.port, protocol: 'http' } : {});
  return new Stripe(config.stripe.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    // Retries are safe: every write carries an idempotency key.
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 15_000,
    appInfo: { name: 'Sustain', url: 'https://github.com/sustain-news/sustain' },
    ...where,
  });
}
