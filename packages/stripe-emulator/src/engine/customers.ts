import type { EmulatorClock } from './clock';
import type { EmulatorContext } from './context';
import { resourceMissing } from './errors';
import { newId, newInvoicePrefix } from './ids';
import type { Address, Customer, Metadata } from './stripe-objects';

/** Customers, made by the API (`api/customer-routes.ts`) or by a paid checkout session. */

export interface CustomerFields {
  address?: Address | null;
  description?: string | null;
  email?: string | null;
  metadata?: Metadata | null;
  name?: string | null;
  phone?: string | null;
  preferred_locales?: string[];
}

/** Builds a customer as Stripe returns it; used by the API and by a paid checkout session. */
export function buildCustomer(clock: EmulatorClock, fields: CustomerFields): Customer {
  return {
    id: newId('customer'),
    object: 'customer',
    address: fields.address ?? null,
    balance: 0,
    created: clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: newInvoicePrefix(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: fields.phone ?? null,
    preferred_locales: fields.preferred_locales ?? [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

/** Stripe merges metadata: a key set to "" is removed, `metadata=""` clears all. */
export function mergeMetadata(current: Metadata, update: Metadata | null | undefined): Metadata {
  if (update === undefined) return current;
  if (update === null) return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export function findCustomer(ctx: EmulatorContext, id: string): Customer {
  const customer = ctx.store.customers.get(id);
  if (!customer) throw resourceMissing('customer', id);
  return customer;
}
