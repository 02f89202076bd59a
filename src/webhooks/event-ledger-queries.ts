import type Stripe from 'stripe';
import type { Db } from '../db/knex';

/**
 * Records a Stripe event id. Returns false when the id is already recorded:
 * the event was (or, in a concurrent transaction, is being) applied. Under
 * concurrency the second insert waits on the first transaction's unique key;
 * if that one commits this returns false, if it rolls back this one proceeds.
 */
export async function recordEvent(db: Db, event: Stripe.Event): Promise<boolean> {
  const inserted = await db('stripe_events')
    .insert({
      id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      livemode: event.livemode,
      payload: JSON.stringify(event),
    })
    .onConflict('id')
    .ignore()
    .returning('id');
  return inserted.length === 1;
}

export async function markEventProcessed(db: Db, eventId: string): Promise<void> {
  await db('stripe_events').where({ id: eventId }).update({ processed_at: db.fn.now() });
}

export async function isEventRecorded(db: Db, eventId: string): Promise<boolean> {
  return (await db('stripe_events').where({ id: eventId }).first('id')) !== undefined;
}
