import { ID_PREFIXES, newId } from './ids';
import type {
  BillingPortalSession,
  Charge,
  CheckoutSession,
  Customer,
  EmulatorEvent,
  Invoice,
  InvoicePayment,
  LineItem,
  Metadata,
  PaymentIntent,
  PaymentMethod,
  Price,
  Product,
  Refund,
  StripeObject,
  Subscription,
} from './stripe-objects';

/**
 * What the emulator knows, in memory (and in the state file, when there is
 * one: `state-file.ts`), one Map per object type. Maps keep
 * insertion order, and the clock only moves forward, so iterating a Map in
 * reverse gives Stripe's "newest first" list order.
 */

/** A checkout session plus what Stripe keeps about it but does not return on the session itself. */
export interface CheckoutSessionRecord {
  session: CheckoutSession;
  lineItems: LineItem[];
  /** Copied onto the payment intent when a payment-mode session is paid. */
  paymentIntentData: { metadata: Metadata; description: string | null };
  /** Copied onto the subscription when a subscription-mode session is paid. */
  subscriptionData: { metadata: Metadata; description: string | null };
  /** Prices and products made from this session's `price_data`; evicted with it unless a subscription bills them. */
  catalogIds: string[];
}

/** The card behind a payment method: Stripe never returns the number, but charging it later needs it. */
export interface SavedCard {
  number: string;
  expMonth: number;
  expYear: number;
}

export interface PaymentMethodRecord {
  paymentMethod: PaymentMethod;
  card: SavedCard;
}

export interface BillingPortalSessionRecord {
  session: BillingPortalSession;
  /** The link must be opened before this; Stripe's portal links are short-lived. */
  openBy: number;
  /** Set on the first visit; the session then lasts a while longer. */
  openedAt: number | null;
}

/** A response kept for replay under its `Idempotency-Key`; `savedAt` is on the emulator's clock. */
export interface SavedResponse {
  endpoint: string;
  fingerprint: string;
  status: number;
  body: unknown;
  savedAt: number;
}

/** The Maps a state file holds, in the order they are written. */
export const STORED_MAPS = [
  'checkoutSessions',
  'customers',
  'paymentIntents',
  'charges',
  'paymentMethods',
  'prices',
  'products',
  'subscriptions',
  'invoices',
  'invoicePayments',
  'refunds',
  'billingPortalSessions',
  'events',
  'idempotentResponses',
] as const;

export type StoredMapName = (typeof STORED_MAPS)[number];

export class EmulatorStore {
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly customers = new Map<string, Customer>();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly paymentMethods = new Map<string, PaymentMethodRecord>();
  readonly prices = new Map<string, Price>();
  readonly products = new Map<string, Product>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly invoices = new Map<string, Invoice>();
  readonly invoicePayments = new Map<string, InvoicePayment>();
  readonly refunds = new Map<string, Refund>();
  readonly billingPortalSessions = new Map<string, BillingPortalSessionRecord>();
  readonly events = new Map<string, EmulatorEvent>();
  /** Keyed by API key and `Idempotency-Key`, oldest first. */
  readonly idempotentResponses = new Map<string, SavedResponse>();
  private changeListener: (() => void) | null = null;

  /** Every portal session uses the account's default portal configuration; kept across restarts, as its id is. */
  constructor(readonly billingPortalConfigurationId: string = newId('billingPortalConfiguration')) {}

  /** Called by whatever saves the store (the state file) after each change. */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /** Says that objects changed outside a request (a webhook delivered, background billing). */
  markChanged(): void {
    this.changeListener?.();
  }

  /** Any stored object by id; the prefix says which Map holds it. Used to expand references. */
  retrieve(id: string): StripeObject | undefined {
    if (id.startsWith(ID_PREFIXES.checkoutSession)) return this.checkoutSessions.get(id)?.session;
    if (id.startsWith(ID_PREFIXES.customer)) return this.customers.get(id);
    if (id.startsWith(ID_PREFIXES.paymentIntent)) return this.paymentIntents.get(id);
    if (id.startsWith(ID_PREFIXES.charge)) return this.charges.get(id);
    if (id.startsWith(ID_PREFIXES.paymentMethod)) return this.paymentMethods.get(id)?.paymentMethod;
    if (id.startsWith(ID_PREFIXES.price)) return this.prices.get(id);
    if (id.startsWith(ID_PREFIXES.product)) return this.products.get(id);
    if (id.startsWith(ID_PREFIXES.subscription)) return this.subscriptions.get(id);
    if (id.startsWith(ID_PREFIXES.invoicePayment)) return this.invoicePayments.get(id);
    if (id.startsWith(ID_PREFIXES.invoice)) return this.invoices.get(id);
    if (id.startsWith(ID_PREFIXES.refund)) return this.refunds.get(id);
    if (id.startsWith(ID_PREFIXES.event)) return this.events.get(id);
    return undefined;
  }
}

/** Values in a Map, newest first. */
export function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}
