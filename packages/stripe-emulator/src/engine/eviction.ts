import type { EmulatorStore } from './store';

/**
 * Bounds on what the emulator keeps, so a long session or a benchmark does
 * not grow it (and its state file) without limit. Business objects
 * (customers, subscriptions, invoices, charges, refunds) are kept: the app
 * refers to them for as long as its own rows do.
 */

export interface RetentionLimits {
  /** Expired or completed checkout sessions are dropped this long after they were created. */
  closedCheckoutSessionSeconds: number;
  /** Stripe keeps idempotency keys for 24 hours; a retry after that makes a new object. */
  idempotencyKeySeconds: number;
  /** The newest this many events are listed by `GET /v1/events`; older ones are dropped. */
  maxEvents: number;
}

export const DEFAULT_RETENTION: RetentionLimits = {
  // An open session lives at most 24 hours; the app only reads a closed one
  // when the buyer lands on (or reloads) the thank-you page.
  closedCheckoutSessionSeconds: 30 * 86_400,
  idempotencyKeySeconds: 24 * 60 * 60,
  maxEvents: 10_000,
};

export interface EvictionReport {
  checkoutSessions: number;
  idempotentResponses: number;
  events: number;
}

/**
 * Saved responses are in time order (the clock only moves forward), so the
 * expired ones are at the front: stop at the first live one rather than scan
 * them all on every POST.
 */
export function evictIdempotentResponses(store: EmulatorStore, now: number, limits: RetentionLimits): number {
  let evicted = 0;
  for (const [key, saved] of store.idempotentResponses) {
    if (now - saved.savedAt <= limits.idempotencyKeySeconds) break;
    store.idempotentResponses.delete(key);
    evicted += 1;
  }
  return evicted;
}

/** Drops the oldest events beyond the cap; called as each event is recorded. */
export function capEvents(store: EmulatorStore, limits: RetentionLimits): number {
  let evicted = 0;
  for (const id of store.events.keys()) {
    if (store.events.size <= limits.maxEvents) break;
    store.events.delete(id);
    evicted += 1;
  }
  return evicted;
}

/**
 * Sessions are in creation order, so the walk stops at the first one young
 * enough to keep. An open session is never dropped (the buyer may still pay
 * it; the sweep expires it first). The inline prices and products a session
 * made go with it, unless a subscription bills them.
 */
function evictCheckoutSessions(store: EmulatorStore, now: number, limits: RetentionLimits): number {
  let evicted = 0;
  for (const [id, record] of store.checkoutSessions) {
    if (now - record.session.created <= limits.closedCheckoutSessionSeconds) break;
    if (record.session.status === 'open') continue;
    store.checkoutSessions.delete(id);
    evicted += 1;
    if (record.session.subscription !== null) continue;
    for (const catalogId of record.catalogIds) {
      store.prices.delete(catalogId);
      store.products.delete(catalogId);
    }
  }
  return evicted;
}

/** Everything past its limit at `now` (the emulator's clock). */
export function evictExpired(store: EmulatorStore, now: number, limits: RetentionLimits): EvictionReport {
  return {
    checkoutSessions: evictCheckoutSessions(store, now, limits),
    idempotentResponses: evictIdempotentResponses(store, now, limits),
    events: capEvents(store, limits),
  };
}
