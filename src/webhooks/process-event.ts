import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Logger } from '../lib/logger';
import { isRetryableConflict } from '../db/pg-errors';
import { markEventProcessed, recordEvent } from './event-ledger-queries';
import type { EventHandler } from './handler-types';
import { EVENT_HANDLERS } from './handlers';

export type ProcessResult = 'applied' | 'duplicate' | 'recorded';

/**
 * Records the event and applies its effects in one transaction: either both
 * happen or neither does, so a failure leaves nothing behind and Stripe's
 * retry (or a replay) applies the event cleanly later.
 */
export async function processStripeEvent(
  db: Knex,
  event: Stripe.Event,
  logger: Logger,
  handlers: Readonly<Record<string, EventHandler>> = EVENT_HANDLERS,
): Promise<ProcessResult> {
  const log = logger.child({ event_id: event.id, event_type: event.type });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(async (trx) => {
        if (!(await recordEvent(trx, event))) return 'duplicate' as const;
        const handler = handlers[event.type];
        if (handler) await handler({ trx, logger: log }, event);
        await markEventProcessed(trx, event.id);
        return handler ? ('applied' as const) : ('recorded' as const);
      });
    } catch (error) {
      // Concurrent events can lock the same rows in different orders (one
      // donor's gifts, the year's receipt counter); PostgreSQL then aborts one
      // of them. Nothing of it was kept, so applying it again is safe, and
      // sooner than Stripe's retry.
      if (!isRetryableConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      log.warn({ attempt, code: (error as { code?: string }).code }, 'event transaction conflicted; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
    }
  }
}

const MAX_ATTEMPTS = 4;
