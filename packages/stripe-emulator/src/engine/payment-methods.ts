import type { CardDetails } from './test-cards';
import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import { eventOf, type NewEvent } from './events';
import { cardFingerprint, newId } from './ids';
import { previousAttributes } from './previous-attributes';
import type { PaymentMethodRecord, SavedCard } from './store';
import type { BillingDetails, Customer } from './stripe-objects';
import { testCard } from './test-cards';

/**
 * Card payment methods: made from the hosted checkout page or the billing
 * portal, attached to a customer when they will be charged again (a
 * membership), and the customer's default for invoices. The card number is
 * kept beside the object so a renewal can be charged with the right outcome.
 */

/** What the checkout form collects, as a charge and a payment method report it. */
export function billingDetailsFromForm(card: CardDetails): BillingDetails {
  return {
    address: { city: null, country: 'US', line1: null, line2: null, postal_code: card.postalCode, state: null },
    email: card.email,
    name: card.name,
    phone: null,
    tax_id: null,
  };
}

/** Stores an unattached card payment method, as confirming a payment with a new card does. */
export function createCardPaymentMethod(
  ctx: EmulatorContext,
  card: SavedCard,
  billingDetails: BillingDetails,
): PaymentMethodRecord {
  const { brand, last4 } = testCard(card.number);
  const record: PaymentMethodRecord = {
    card: { number: card.number, expMonth: card.expMonth, expYear: card.expYear },
    paymentMethod: {
      id: newId('paymentMethod'),
      object: 'payment_method',
      allow_redisplay: 'limited',
      billing_details: billingDetails,
      card: {
        brand,
        checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: 'US',
        display_brand: brand,
        exp_month: card.expMonth,
        exp_year: card.expYear,
        fingerprint: cardFingerprint(card.number),
        funding: 'credit',
        generated_from: null,
        last4,
        networks: { available: [brand], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: ctx.clock.now(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: 'card',
    },
  };
  ctx.store.paymentMethods.set(record.paymentMethod.id, record);
  return record;
}

export function attachPaymentMethod(record: PaymentMethodRecord, customer: Customer): NewEvent {
  record.paymentMethod.customer = customer.id;
  return eventOf('payment_method.attached', record.paymentMethod);
}

/** Makes the card the customer's default for invoices; null when it already was. */
export function setDefaultPaymentMethod(customer: Customer, paymentMethodId: string): NewEvent | null {
  const before = structuredClone(customer);
  customer.invoice_settings.default_payment_method = paymentMethodId;
  const previous = previousAttributes(before, customer);
  return Object.keys(previous).length > 0 ? eventOf('customer.updated', customer, previous) : null;
}

/** A payment method named in a request body must exist and belong to the customer. */
export function customerPaymentMethod(
  ctx: EmulatorContext,
  id: string,
  customerId: string,
  param: string,
): PaymentMethodRecord {
  const record = ctx.store.paymentMethods.get(id);
  if (!record) throw missingReference('PaymentMethod', id, param);
  if (record.paymentMethod.customer !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      param,
    );
  }
  return record;
}
