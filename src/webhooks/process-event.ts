import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Logger } from '../lib/logger';
import { markEventProcessed, recordEvent } from './event-ledger';
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
  return db.transaction(async (trx) => {
    if (!(await recordEvent(trx, event))) return 'duplicate';
    const handler = handlers[event.type];
    if (handler) await handler({ trx, logger: log }, event);
    await markEventProcessed(trx, event.id);
    return handler ? 'applied' : 'recorded';
  });
}
