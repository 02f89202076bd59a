import type Stripe from 'stripe';

/**
 * The wire shapes the emulator serves, taken from the pinned SDK's types so a
 * missing or misspelled field is a compile error rather than a surprise in the
 * app. Where the SDK turns a wire value into a richer type (decimal strings
 * become `Decimal` objects), the wire form is restated here.
 */

export type CheckoutSession = Stripe.Checkout.Session;
export type Customer = Stripe.Customer;
export type PaymentIntent = Stripe.PaymentIntent;
export type Charge = Stripe.Charge;
export type Product = Stripe.Product;
export type Metadata = Stripe.Metadata;
export type Address = Stripe.Address;
export type EventType = Stripe.Event.Type;

/** On the wire `unit_amount_decimal` is a string; the SDK parses it into a Decimal. */
export type Price = Omit<Stripe.Price, 'unit_amount_decimal'> & { unit_amount_decimal: string | null };

export type LineItem = Omit<Stripe.LineItem, 'price'> & { price: Price | null };

export type PaymentMethod = Stripe.PaymentMethod;
export type BillingDetails = Stripe.PaymentMethod.BillingDetails;
export type Refund = Stripe.Refund;
export type InvoicePayment = Stripe.InvoicePayment;
export type BillingPortalSession = Stripe.BillingPortal.Session;

/** The legacy `plan` every subscription item still carries, mirroring its price. */
export type Plan = Omit<Stripe.Plan, 'amount_decimal'> & { amount_decimal: string | null };

export type SubscriptionItem = Omit<Stripe.SubscriptionItem, 'price' | 'plan'> & { price: Price; plan: Plan };

export type Subscription = Omit<Stripe.Subscription, 'items'> & { items: ApiList<SubscriptionItem> };

export type InvoiceLineItem = Omit<Stripe.InvoiceLineItem, 'quantity_decimal' | 'pricing'> & {
  quantity_decimal: string | null;
  pricing: (Omit<Stripe.InvoiceLineItem.Pricing, 'unit_amount_decimal'> & { unit_amount_decimal: string | null }) | null;
};

/**
 * `payments` is left out: like `charge.refunds`, Stripe only includes it when
 * asked with `expand[]=payments`, so it is never in a webhook payload.
 */
export type Invoice = Omit<Stripe.Invoice, 'lines' | 'payments'> & { lines: ApiList<InvoiceLineItem> };

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/** `Stripe.Event` is a union keyed by type; the emulator builds events generically. */
export interface EmulatorEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: EventRequest;
  type: EventType;
}

/** Any API object the emulator stores: it has an id and names its own type. */
export interface StripeObject {
  id: string;
  object: string;
}
