import type { CardFormErrors, CardFormValues } from './card-form';
import type { EmulatorContext } from '../engine/context';
import { CARD_PLACEHOLDER, NUMERIC, field, renderMessagePage } from './hosted-checkout-page';
import { html, renderPage, type SafeHtml } from './html';
import type { BillingPortalSessionRecord } from '../engine/store';
import type { Customer, Invoice, Subscription } from '../engine/stripe-objects';
import { customerSubscriptions } from '../engine/billing-portal-actions';
import { TEST_CARD_HINTS } from '../engine/test-cards';

/**
 * The hosted billing portal page, standing in for billing.stripe.com: the
 * customer's memberships, their card and invoices, with plain HTML forms
 * (no JavaScript) to replace the card and to cancel or renew.
 */

export interface PortalPageState {
  /** Confirmation of the last action, announced politely. */
  notice?: string;
  /** A failure shown above the card form, such as a declined card. */
  alert?: string;
  cardValues?: CardFormValues;
  cardErrors?: CardFormErrors;
}

const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const STATUS: Record<string, string> = {
  active: 'Active',
  past_due: 'Past due',
  incomplete: 'Incomplete',
  unpaid: 'Unpaid',
  trialing: 'Trial',
  paused: 'Paused',
};

function date(seconds: number): string {
  return DATE.format(new Date(seconds * 1000));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "$10.00 per month", "$120.00 per year", "$5.00 every 2 weeks". */
function amountPerInterval(ctx: EmulatorContext, subscription: Subscription): string {
  const total = subscription.items.data.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * (item.quantity ?? 1), 0);
  const recurring = subscription.items.data[0]!.price.recurring!;
  const every =
    recurring.interval_count === 1 ? `per ${recurring.interval}` : `every ${recurring.interval_count} ${recurring.interval}s`;
  return `${ctx.formatMoney(total, subscription.currency)} ${every}`;
}

function subscriptionName(ctx: EmulatorContext, subscription: Subscription): string {
  const names = subscription.items.data.map((item) => ctx.store.products.get(String(item.price.product))?.name ?? 'Membership');
  return names.join(', ');
}

function subscriptionSection(ctx: EmulatorContext, sessionId: string, subscription: Subscription): SafeHtml {
  const headingId = `subscription-${subscription.id}`;
  const periodEnd = subscription.items.data[0]!.current_period_end;
  const action = subscription.cancel_at_period_end ? 'renew' : 'cancel';
  return html`<section class="card" aria-labelledby="${headingId}">
<h3 id="${headingId}">${subscriptionName(ctx, subscription)}</h3>
<p class="amount-small">${amountPerInterval(ctx, subscription)}</p>
<p>Status: <strong>${STATUS[subscription.status] ?? capitalized(String(subscription.status))}</strong></p>
<p>${subscription.cancel_at_period_end ? `Cancels on ${date(periodEnd)}` : `Renews on ${date(periodEnd)}`}</p>
${
  subscription.status === 'past_due'
    ? html`<p class="alert">Your last payment failed. Update your card below and the open invoice is paid with it.</p>`
    : ''
}
<form method="post" action="/portal/${sessionId}/subscriptions/${subscription.id}/${action}">
<button type="submit" class="${action === 'cancel' ? 'secondary' : ''}" aria-describedby="${headingId}">${
    action === 'cancel' ? 'Cancel membership' : 'Renew membership'
  }</button>
</form>
</section>`;
}

function cardSummary(ctx: EmulatorContext, customer: Customer): string {
  const id = customer.invoice_settings.default_payment_method;
  const card = typeof id === 'string' ? ctx.store.paymentMethods.get(id)?.paymentMethod.card : undefined;
  if (!card) return 'No card on file.';
  const expiry = `${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`;
  return `${capitalized(card.brand)} •••• ${card.last4}, expires ${expiry}`;
}

function cardForm(sessionId: string, state: PortalPageState): SafeHtml {
  const values = state.cardValues ?? {
    email: '',
    cardholder_name: '',
    card_number: '',
    card_expiry: '',
    card_cvc: '',
    postal_code: '',
  };
  const fields = { values, errors: state.cardErrors ?? {} };
  return html`<form method="post" action="/portal/${sessionId}/payment-method" novalidate>
${state.alert ? html`<p class="alert" role="alert">${state.alert}</p>` : ''}
${field(fields, 'card_number', 'Card number', { ...NUMERIC, autocomplete: 'cc-number', placeholder: CARD_PLACEHOLDER })}
<div class="row">
${field(fields, 'card_expiry', 'Expiration (MM / YY)', { ...NUMERIC, autocomplete: 'cc-exp', placeholder: 'MM / YY' })}
${field(fields, 'card_cvc', 'CVC', { ...NUMERIC, autocomplete: 'cc-csc', placeholder: '123' })}
</div>
<button type="submit">Update card</button>
</form>`;
}

function invoiceHistory(ctx: EmulatorContext, invoices: Invoice[]): SafeHtml {
  if (invoices.length === 0) return html`<p>No invoices yet.</p>`;
  const rows = invoices.map(
    (invoice) =>
      html`<li>${date(invoice.created)} — ${ctx.formatMoney(invoice.total, invoice.currency)} — ${capitalized(String(invoice.status))}</li>`,
  );
  return html`<ul class="history">${rows}</ul>`;
}

/** "Return to localhost:3000": the site the member came from, named by its host. */
function returnLink(returnUrl: string | null): SafeHtml | '' {
  if (!returnUrl) return '';
  return html`<p><a href="${returnUrl}">Return to ${new URL(returnUrl).host}</a></p>`;
}

export function renderPortalPage(ctx: EmulatorContext, record: BillingPortalSessionRecord, customer: Customer, state: PortalPageState): string {
  const { session } = record;
  const subscriptions = customerSubscriptions(ctx, customer.id);
  const invoices = [...ctx.store.invoices.values()]
    .filter((invoice) => invoice.customer === customer.id && invoice.status !== 'draft')
    .reverse()
    .slice(0, 12);
  const body = html`<h1>Manage your membership</h1>
<p>${customer.email ?? customer.name ?? customer.id}</p>
${state.notice ? html`<p class="notice" role="status">${state.notice}</p>` : ''}
<h2>Memberships</h2>
${subscriptions.length > 0 ? subscriptions.map((s) => subscriptionSection(ctx, session.id, s)) : html`<p>You have no active memberships.</p>`}
<h2>Payment method</h2>
<p>${cardSummary(ctx, customer)}</p>
<h3>Replace your card</h3>
${cardForm(session.id, state)}
<h2>Invoice history</h2>
${invoiceHistory(ctx, invoices)}
${returnLink(session.return_url)}
<div class="hint">
<p>Test cards (any future expiry, any 3-digit CVC):</p>
<ul>${TEST_CARD_HINTS.map((card) => html`<li><code>${card.number}</code> ${card.result}</li>`)}</ul>
</div>`;
  return renderPage('Manage your membership', body);
}

export function renderPortalExpiredPage(record: BillingPortalSessionRecord): string {
  const returnUrl = record.session.return_url;
  return renderMessagePage(
    'This billing portal session has expired',
    'Portal links are short-lived. Go back to the site and open the billing portal again.',
    returnUrl ? { href: returnUrl, text: `Return to ${new URL(returnUrl).host}` } : undefined,
  );
}
