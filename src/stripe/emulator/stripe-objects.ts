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
