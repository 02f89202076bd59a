import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Logger } from '../lib/logger';

export interface HandlerContext {
  /** Every effect goes through this transaction, together with the ledger row. */
  trx: Knex.Transaction;
  logger: Logger;
}

/**
 * Applies one event. Must be idempotent and order-independent: Stripe neither
 * orders nor dedupes deliveries, and replays (stripe:sync) reuse handlers.
 * Handlers never call Stripe: a network call must not hold the transaction open.
 */
export type EventHandler = (ctx: HandlerContext, event: Stripe.Event) => Promise<void>;
