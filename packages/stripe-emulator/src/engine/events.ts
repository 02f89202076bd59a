import type { EmulatorClock } from './clock';
import { capEvents, type RetentionLimits } from './eviction';
import { newId } from './ids';
import type { EmulatorStore } from './store';
import type { EmulatorEvent, EventRequest, EventType, StripeObject } from './stripe-objects';
import type { WebhookDelivery } from './webhook-delivery';

/** Events caused by something other than an API request (the hosted page, the clock) name no request. */
export const NO_REQUEST: EventRequest = { id: null, idempotency_key: null };

export interface NewEvent {
  type: EventType;
  object: StripeObject;
  previousAttributes?: Record<string, unknown>;
}

/**
 * An event whose object is copied now rather than when it is published: a
 * flow such as paying a subscription's first invoice changes the same invoice
 * several times before its events go out, and each event must show the
 * invoice as it was at that step (draft, then open, then paid).
 */
export function eventOf(type: EventType, object: StripeObject, previousAttributes?: Record<string, unknown>): NewEvent {
  return {
    type,
    object: structuredClone(object),
    ...(previousAttributes ? { previousAttributes: structuredClone(previousAttributes) } : {}),
  };
}

/**
 * Records events for `GET /v1/events` and hands them to webhook delivery.
 * Each event holds a snapshot of its object at that moment, as Stripe's do:
 * later changes to the object never show up in an event already emitted.
 */
export class EventPublisher {
  constructor(
    private readonly store: EmulatorStore,
    private readonly clock: EmulatorClock,
    private readonly delivery: WebhookDelivery | null,
    /** Stamped on every event, as Stripe stamps the account's (or endpoint's) version. */
    private readonly apiVersion: string,
    private readonly retention: RetentionLimits,
  ) {}

  /**
   * Emits events in the given order. The promise resolves once each has had
   * its first delivery attempt (never rejects); callers that answer a browser
   * await it so the app has recorded the outcome before the redirect lands.
   */
  publish(events: readonly NewEvent[], request: EventRequest = NO_REQUEST): Promise<void> {
    const attempts = events.map((event) => this.record(event, request));
    return Promise.all(attempts).then(() => undefined);
  }

  /** Marks an event as acknowledged by the (single) webhook endpoint. */
  markDelivered(eventId: string): void {
    const event = this.store.events.get(eventId);
    if (!event) return;
    event.pending_webhooks = 0;
    this.store.markChanged();
  }

  private record(event: NewEvent, request: EventRequest): Promise<void> {
    const stored: EmulatorEvent = {
      id: newId('event'),
      object: 'event',
      api_version: this.apiVersion,
      created: this.clock.now(),
      data: {
        object: structuredClone(event.object),
        ...(event.previousAttributes ? { previous_attributes: structuredClone(event.previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: this.delivery ? 1 : 0,
      request: { ...request },
      type: event.type,
    };
    this.store.events.set(stored.id, stored);
    capEvents(this.store, this.retention);
    if (!this.delivery) return Promise.resolve();
    return this.delivery.enqueue({ id: stored.id, type: stored.type, payload: JSON.stringify(stored, null, 2) });
  }
}
