import { ID_PREFIXES } from './ids';
import type {
  Charge,
  CheckoutSession,
  Customer,
  EmulatorEvent,
  LineItem,
  Metadata,
  PaymentIntent,
  Price,
  Product,
  StripeObject,
} from './stripe-objects';

/**
 * What the emulator knows, in memory, one Map per object type. Maps keep
 * insertion order, and the clock only moves forward, so iterating a Map in
 * reverse gives Stripe's "newest first" list order.
 *
 * A later task adds subscriptions, invoices and refunds as further Maps here
 * plus a line in `retrieve`, so expansion and lists pick them up unchanged.
 */

/** A checkout session plus what Stripe keeps about it but does not return on the session itself. */
export interface CheckoutSessionRecord {
  session: CheckoutSession;
  lineItems: LineItem[];
  /** Copied onto the payment intent when a payment-mode session is paid. */
  paymentIntentData: { metadata: Metadata; description: string | null };
  /** Copied onto the subscription when a subscription-mode session is paid (not emulated yet). */
  subscriptionData: { metadata: Metadata; description: string | null };
}

export class EmulatorStore {
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly customers = new Map<string, Customer>();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly prices = new Map<string, Price>();
  readonly products = new Map<string, Product>();
  readonly events = new Map<string, EmulatorEvent>();

  /** Any stored object by id; the prefix says which Map holds it. Used to expand references. */
  retrieve(id: string): StripeObject | undefined {
    if (id.startsWith(ID_PREFIXES.checkoutSession)) return this.checkoutSessions.get(id)?.session;
    if (id.startsWith(ID_PREFIXES.customer)) return this.customers.get(id);
    if (id.startsWith(ID_PREFIXES.paymentIntent)) return this.paymentIntents.get(id);
    if (id.startsWith(ID_PREFIXES.charge)) return this.charges.get(id);
    if (id.startsWith(ID_PREFIXES.price)) return this.prices.get(id);
    if (id.startsWith(ID_PREFIXES.product)) return this.products.get(id);
    if (id.startsWith(ID_PREFIXES.event)) return this.events.get(id);
    return undefined;
  }
}

/** Values in a Map, newest first. */
export function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}
