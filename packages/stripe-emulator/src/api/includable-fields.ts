import type { CheckoutSessionRecord, EmulatorStore } from '../engine/store';
import type { ApiList, InvoicePayment, LineItem, Refund } from '../engine/stripe-objects';

/**
 * Fields Stripe leaves out of an object unless asked for with `expand[]`:
 * a checkout session's `line_items`, an invoice's `payments` and a charge's
 * `refunds`. They are never in webhook payloads, so an app that needs them
 * must fetch the object with the expansion, against Stripe as here.
 */

export function lineItemList(record: CheckoutSessionRecord): ApiList<LineItem> {
  const url = `/v1/checkout/sessions/${record.session.id}/line_items`;
  return { object: 'list', data: structuredClone(record.lineItems), has_more: false, url };
}

/** Oldest first, as Stripe lists an invoice's payments. */
export function invoicePaymentList(store: EmulatorStore, invoiceId: string): ApiList<InvoicePayment> {
  const data = [...store.invoicePayments.values()].filter((payment) => payment.invoice === invoiceId);
  return { object: 'list', data: structuredClone(data), has_more: false, url: `/v1/invoice_payments?invoice=${invoiceId}` };
}

/** Newest first, as Stripe lists a charge's refunds. */
export function refundList(store: EmulatorStore, chargeId: string): ApiList<Refund> {
  const data = [...store.refunds.values()].filter((refund) => refund.charge === chargeId).reverse();
  return { object: 'list', data: structuredClone(data), has_more: false, url: `/v1/charges/${chargeId}/refunds` };
}

/** The value of an includable field, or undefined when the object has none by that name. */
export function includableField(store: EmulatorStore, object: Record<string, unknown>, field: string): unknown {
  if (typeof object.id !== 'string') return undefined;
  if (object.object === 'checkout.session' && field === 'line_items') {
    const record = store.checkoutSessions.get(object.id);
    return record ? lineItemList(record) : undefined;
  }
  if (object.object === 'invoice' && field === 'payments') return invoicePaymentList(store, object.id);
  if (object.object === 'charge' && field === 'refunds') return refundList(store, object.id);
  return undefined;
}
