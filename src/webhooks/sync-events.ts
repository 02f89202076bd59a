import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Logger } from '../lib/logger';
import { isEventRecorded } from './event-ledger-queries';
import { withIncludableFields } from './includable-fields';
import { processStripeEvent } from './process-event';

export interface SyncResult {
  seen: number;
  applied: number;
  alreadyRecorded: number;
}

/**
 * Replays Stripe's events since `since` through the same handlers the webhook
 * uses, oldest first: for an outage of our endpoint, a webhook that was
 * disabled, or a new install catching up. Events already in the ledger are
 * skipped, so running it twice, or while webhooks arrive, is harmless.
 * (Stripe keeps events for 30 days.)
 */
export async function syncStripeEvents(db: Knex, stripe: Stripe, since: Date, logger: Logger): Promise<SyncResult> {
  const events: Stripe.Event[] = [];
  // The list is newest first; collect, then apply in the order things happened.
  for await (const event of stripe.events.list({ created: { gte: Math.floor(since.getTime() / 1000) }, limit: 100 })) {
    events.push(event);
  }
  events.sort((a, b) => a.created - b.created);
  const result: SyncResult = { seen: events.length, applied: 0, alreadyRecorded: 0 };
  for (const event of events) {
    if (await isEventRecorded(db, event.id)) {
      result.alreadyRecorded += 1;
      continue;
    }
    const outcome = await processStripeEvent(db, await withIncludableFields(stripe, event), logger);
    if (outcome === 'duplicate') result.alreadyRecorded += 1;
    else result.applied += 1;
  }
  return result;
}
