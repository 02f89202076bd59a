import type { MoneyFormatter } from '../engine/context';
import type { CardFormErrors, CardFormField, CardFormValues } from './card-form';
import { successUrlFor } from '../engine/checkout-sessions';
import { attributes, html, renderPage, type SafeHtml } from './html';
import type { CheckoutSessionRecord } from '../engine/store';
import { TEST_CARD_HINTS } from '../engine/test-cards';

/**
 * The hosted checkout page, standing in for checkout.stripe.com. Plain HTML
 * forms, no JavaScript, so it works in any browser and in end-to-end tests.
 */

export interface CheckoutPageState {
  values: CardFormValues;
  errors: CardFormErrors;
  /** A card-level failure, such as a decline, shown above the form. */
  alert?: string;
  /** The email the buyer may not change (the session's `customer_email` or customer's email). */
  fixedEmail: string | null;
}

export const CARD_PLACEHOLDER = '1234 1234 1234 1234';
/** Phones show a digit keypad for these fields. */
export const NUMERIC = { inputmode: 'numeric' } as const;

function interval(record: CheckoutSessionRecord): string {
  const recurring = record.lineItems.find((item) => item.price?.recurring)?.price?.recurring;
  if (!recurring) return '';
  if (recurring.interval_count === 1) return ` per ${recurring.interval}`;
  return ` every ${recurring.interval_count} ${recurring.interval}s`;
}

function buttonLabel(record: CheckoutSessionRecord): string {
  if (record.session.mode === 'subscription') return 'Subscribe';
  if (record.session.submit_type === 'donate') return 'Donate';
  if (record.session.submit_type === 'book') return 'Book';
  return 'Pay';
}

export interface InputOptions {
  type?: string;
  autocomplete: string;
  inputmode?: string;
  placeholder?: string;
  readonly?: boolean;
}

/**
 * A labelled input; its error, if any, is tied to it with aria-describedby so
 * screen readers announce it. The billing portal's card form uses it too.
 */
export function field(
  state: Pick<CheckoutPageState, 'values' | 'errors'>,
  name: CardFormField,
  label: string,
  options: InputOptions,
): SafeHtml {
  const error = state.errors[name];
  const id = `field-${name}`;
  const input = attributes({
    id,
    name,
    type: options.type ?? 'text',
    value: state.values[name],
    autocomplete: options.autocomplete,
    inputmode: options.inputmode,
    placeholder: options.placeholder,
    readonly: options.readonly === true,
    required: true,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  });
  return html`<div>
<label for="${id}">${label}</label>
<input${input}>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

/** With several line items, each is listed under the total. */
function itemList(formatMoney: MoneyFormatter, record: CheckoutSessionRecord): SafeHtml | '' {
  if (record.lineItems.length < 2) return '';
  const rows = record.lineItems.map(
    (item) => html`<li>${item.quantity} × ${item.description} — ${formatMoney(item.amount_total, item.currency)}</li>`,
  );
  return html`<ul class="item">${rows}</ul>`;
}

export function renderCheckoutPage(formatMoney: MoneyFormatter, record: CheckoutSessionRecord, state: CheckoutPageState): string {
  const { session } = record;
  const amount = formatMoney(session.amount_total ?? 0, session.currency ?? 'usd') + interval(record);
  const names = record.lineItems.map((item) => item.description ?? '').join(', ');
  const errorCount = Object.keys(state.errors).length;
  const errorSummary = `Please correct the ${errorCount === 1 ? 'field' : 'fields'} marked below.`;
  const body = html`<h1>${names}</h1>
<p class="amount">${amount}</p>
${itemList(formatMoney, record)}
${state.alert ? html`<p class="alert" role="alert">${state.alert}</p>` : ''}
${errorCount > 0 ? html`<p class="alert" role="alert">${errorSummary}</p>` : ''}
<form method="post" action="/checkout/${session.id}/pay" novalidate>
${field(state, 'email', 'Email', { type: 'email', autocomplete: 'email', readonly: state.fixedEmail !== null })}
${field(state, 'cardholder_name', 'Name on card', { autocomplete: 'cc-name' })}
${field(state, 'card_number', 'Card number', { ...NUMERIC, autocomplete: 'cc-number', placeholder: CARD_PLACEHOLDER })}
<div class="row">
${field(state, 'card_expiry', 'Expiration (MM / YY)', { ...NUMERIC, autocomplete: 'cc-exp', placeholder: 'MM / YY' })}
${field(state, 'card_cvc', 'CVC', { ...NUMERIC, autocomplete: 'cc-csc', placeholder: '123' })}
</div>
${field(state, 'postal_code', 'ZIP / postal code', { autocomplete: 'postal-code' })}
<button type="submit">${buttonLabel(record)}</button>
</form>
${session.cancel_url ? html`<p><a href="${session.cancel_url}">Cancel and go back</a></p>` : ''}
<div class="hint">
<p>Test cards (any future expiry, any 3-digit CVC, any postal code):</p>
<ul>${TEST_CARD_HINTS.map((card) => html`<li><code>${card.number}</code> ${card.result}</li>`)}</ul>
</div>`;
  return renderPage(names || 'Checkout', body);
}

/** A page with a heading, a sentence and an optional link: paid, expired, missing, unsupported. */
export function renderMessagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return renderPage(
    title,
    html`<h1>${title}</h1>
<p>${message}</p>
${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`,
  );
}

export function renderAlreadyPaidPage(record: CheckoutSessionRecord): string {
  return renderMessagePage('This checkout session is already paid', 'Thank you — this payment has already been made.', {
    href: successUrlFor(record.session),
    text: 'Continue',
  });
}

export function renderExpiredPage(record: CheckoutSessionRecord): string {
  const cancelUrl = record.session.cancel_url;
  return renderMessagePage(
    'This checkout session has expired',
    'The session expired before it was paid. Nothing was charged; please start again.',
    cancelUrl ? { href: cancelUrl, text: 'Go back' } : undefined,
  );
}
