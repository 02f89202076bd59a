import type Stripe from 'stripe';

/**
 * Fields Stripe leaves out of webhook payloads unless asked for. Since API
 * 2025-03-31 an invoice's `payments` (the only link from an invoice to the
 * payment intent that paid it) is "includable": absent from events and plain
 * retrievals, present with `expand[]=payments`. The webhook route fetches it
 * before opening the event's transaction (never during one), and keeps the
 * event's own snapshot for everything else, since ordering decisions rest on
 * the event's timestamp.
 */
export async function withIncludableFields(stripe: Stripe, event: Stripe.Event): Promise<Stripe.Event> {
  if (event.type !== 'invoice.paid' && event.type !== 'invoice.payment_failed') return event;
  const invoice = event.data.object as Stripe.Invoice;
  if (invoice.payments !== undefined || !invoice.id) return event;
  const fetched = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
  return { ...event, data: { ...event.data, object: { ...invoice, payments: fetched.payments } } } as Stripe.Event;
}
