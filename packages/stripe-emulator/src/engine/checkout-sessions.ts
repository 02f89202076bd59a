import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import type { NewEvent } from './events';
import { newId } from './ids';
import { buildLineItem, resolveLineItem, storeCatalogObjects, type ResolvedLineItem } from './catalog';
import type { CreateSessionParams } from '../api/checkout-session-params';
import type { CheckoutSessionRecord } from './store';
import type { CheckoutSession } from './stripe-objects';

/**
 * Creating and expiring checkout sessions. Paying one lives in
 * `checkout-payment.ts`; the HTTP routes in `checkout-session-routes.ts`.
 */

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/**
 * Stripe refuses a payment below the card networks' minimum charge
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
 */
const MINIMUM_CHARGE: Record<string, number> = { usd: 50, eur: 50, cad: 50, aud: 50, nzd: 50, chf: 50, gbp: 30 };

/**
 * The pinned SDK documents `submit_type` for payment and subscription mode,
 * and `subscribe` is the label meant for subscriptions; a donate or book
 * label on a subscription (or subscribe on a one-time payment) is refused
 * rather than guessed at.
 */
function checkSubmitType(params: CreateSessionParams): void {
  const type = params.submit_type;
  if (type === undefined || type === 'auto' || type === 'pay') return;
  if (params.mode === 'subscription' ? type !== 'subscribe' : type === 'subscribe') {
    throw invalidRequest(
      `\`submit_type=${type}\` cannot be used in \`${params.mode}\` mode; use \`auto\`, \`pay\`${params.mode === 'subscription' ? ' or `subscribe`' : ''}.`,
      'submit_type',
    );
  }
}

/**
 * A subscription bills its prices together, so they must share one
 * interval. One-time prices would go on the first invoice only, which the
 * emulator does not model, so they are refused.
 */
function checkSubscriptionItems(items: ResolvedLineItem[]): void {
  if (!items.some((item) => item.price.recurring)) {
    throw invalidRequest('You must specify at least one recurring price in `subscription` mode when using prices.', 'line_items');
  }
  const first = items.find((item) => item.price.recurring)!.price.recurring!;
  items.forEach((item, index) => {
    const recurring = item.price.recurring;
    if (!recurring) {
      throw invalidRequest(
        'The Stripe emulator does not support one-time prices in `subscription` mode yet.',
        `line_items[${index}]`,
      );
    }
    if (recurring.interval !== first.interval || recurring.interval_count !== first.interval_count) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
        `line_items[${index}]`,
      );
    }
  });
}

/** Cross-field rules Stripe applies after each param is valid on its own. */
function checkRules(ctx: EmulatorContext, params: CreateSessionParams, items: ResolvedLineItem[], now: number): void {
  if (params.mode === 'setup') throw invalidRequest('The Stripe emulator does not support `mode=setup` yet.', 'mode');
  if (params.customer !== undefined && params.customer_email !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  if (params.customer !== undefined && !ctx.store.customers.has(params.customer)) {
    throw missingReference('customer', params.customer, 'customer');
  }
  if (params.mode !== 'payment') {
    if (params.customer_creation !== undefined) {
      throw invalidRequest('`customer_creation` can only be used in `payment` mode.', 'customer_creation');
    }
    if (params.payment_intent_data !== undefined) {
      throw invalidRequest('You can not pass `payment_intent_data` in `subscription` mode.', 'payment_intent_data');
    }
  }
  if (params.mode !== 'subscription' && params.subscription_data !== undefined) {
    throw invalidRequest('You can only pass `subscription_data` in `subscription` mode.', 'subscription_data');
  }
  checkSubmitType(params);
  items.forEach((item, index) => {
    if (params.mode === 'payment' && item.price.recurring) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `line_items[${index}]`,
      );
    }
    if (item.price.currency !== items[0]!.price.currency) {
      throw invalidRequest('All line items must use the same currency.', `line_items[${index}][price_data][currency]`);
    }
  });
  if (params.mode === 'subscription') checkSubscriptionItems(items);
  if (params.expires_at !== undefined) {
    if (params.expires_at < now + MIN_EXPIRY_SECONDS) {
      throw invalidRequest('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at');
    }
    if (params.expires_at > now + MAX_EXPIRY_SECONDS) {
      throw invalidRequest('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at');
    }
  }
}

function buildSession(
  ctx: EmulatorContext,
  params: CreateSessionParams,
  total: number,
  currency: string,
): CheckoutSession {
  const id = newId('checkoutSession');
  const now = ctx.clock.now();
  const payment = params.mode === 'payment';
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer ?? null,
    customer_account: null,
    customer_creation: payment ? (params.customer_creation ?? 'if_required') : null,
    customer_details: null,
    customer_email: params.customer_email ?? null,
    discounts: [],
    expires_at: params.expires_at ?? now + MAX_EXPIRY_SECONDS,
    integration_identifier: null,
    invoice: null,
    invoice_creation: payment
      ? {
          enabled: false,
          invoice_data: {
            account_tax_ids: null,
            custom_fields: null,
            description: null,
            footer: null,
            issuer: null,
            metadata: {},
            rendering_options: null,
          },
        }
      : null,
    livemode: false,
    locale: params.locale ?? null,
    managed_payments: null,
    metadata: params.metadata ?? {},
    mode: params.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: params.submit_type ?? null,
    subscription: null,
    success_url: params.success_url,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `${ctx.publicUrl}/checkout/${id}`,
    wallet_options: null,
  };
}

/** Validates, then stores the session with its prices and line items; writes nothing on a 400. */
export function createCheckoutSession(ctx: EmulatorContext, params: CreateSessionParams): CheckoutSessionRecord {
  if (params.line_items === undefined) throw invalidRequest('Missing required param: line_items.', 'line_items');
  const items = params.line_items.map((item, index) => resolveLineItem(ctx, item, index));
  checkRules(ctx, params, items, ctx.clock.now());

  const lineItems = params.line_items.map((item, index) => buildLineItem(items[index]!, item.metadata ?? null));
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const currency = lineItems[0]!.currency;
  const minimum = MINIMUM_CHARGE[currency];
  if (params.mode === 'payment' && minimum !== undefined && total < minimum) {
    throw invalidRequest(
      `The Checkout Session's total amount due must add up to at least ${minimum} (in the smallest ${currency} unit).`,
      'line_items',
    );
  }

  storeCatalogObjects(ctx, items.flatMap((item) => item.created));
  const record: CheckoutSessionRecord = {
    session: buildSession(ctx, params, total, currency),
    lineItems,
    paymentIntentData: {
      metadata: params.payment_intent_data?.metadata ?? {},
      description: params.payment_intent_data?.description ?? null,
    },
    subscriptionData: {
      metadata: params.subscription_data?.metadata ?? {},
      description: params.subscription_data?.description ?? null,
    },
    catalogIds: items.flatMap((item) => item.created.map((object) => object.id)),
  };
  ctx.store.checkoutSessions.set(record.session.id, record);
  return record;
}

/** Where the browser goes after paying: Stripe fills in the `{CHECKOUT_SESSION_ID}` template. */
export function successUrlFor(session: CheckoutSession): string {
  return (session.success_url ?? '').replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

/**
 * Expires an open session and returns its `checkout.session.expired` event.
 * `url` becomes null, as Stripe only returns it while the session is open.
 */
export function expireSession(record: CheckoutSessionRecord): NewEvent {
  record.session.status = 'expired';
  record.session.url = null;
  return { type: 'checkout.session.expired', object: record.session };
}

/** Every open session whose `expires_at` has passed on the emulator's clock, expired in creation order. */
export function expireDueSessions(ctx: EmulatorContext): NewEvent[] {
  const now = ctx.clock.now();
  const events: NewEvent[] = [];
  for (const record of ctx.store.checkoutSessions.values()) {
    if (record.session.status === 'open' && record.session.expires_at <= now) events.push(expireSession(record));
  }
  return events;
}
