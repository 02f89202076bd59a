import { buildInlinePrice } from './catalog';
import type { EmulatorContext } from './context';
import { mergeMetadata } from './customers';
import { invalidRequest, missingReference } from './errors';
import { customerPaymentMethod } from './payment-methods';
import type { Price, Subscription, SubscriptionItem } from './stripe-objects';
import type { ItemUpdateParams, UpdateParams } from '../api/subscription-params';
import { hasEnded, planFromPrice, setCancelAtPeriodEnd } from './subscriptions';

/**
 * `POST /v1/subscriptions/:id`: every param is checked before anything
 * changes, so a 400 writes nothing. A new price takes effect on the item at
 * once and is billed from the next renewal; with `proration_behavior=none`
 * (the only behaviour emulated) the current period is neither credited nor
 * charged again, as in Stripe.
 */

interface ItemChange {
  item: SubscriptionItem;
  /** Set when the item moves to another price; `created` when `price_data` made it. */
  price: { price: Price; created: boolean } | null;
  quantity: number | undefined;
  metadata: ItemUpdateParams['metadata'];
}

function newPrice(ctx: EmulatorContext, item: SubscriptionItem, params: ItemUpdateParams, param: string) {
  if (params.price !== undefined && params.price_data !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: price, price_data.', param);
  }
  if (params.price !== undefined) {
    if (params.price === item.price.id) return null;
    const price = ctx.store.prices.get(params.price);
    if (!price) throw missingReference('price', params.price, `${param}[price]`);
    if (!price.active) {
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', `${param}[price]`);
    }
    return { price, created: false };
  }
  if (params.price_data === undefined) return null;
  const { product } = params.price_data;
  if (!ctx.store.products.has(product)) throw missingReference('product', product, `${param}[price_data][product]`);
  return { price: buildInlinePrice(ctx, params.price_data, product), created: true };
}

function itemChange(ctx: EmulatorContext, subscription: Subscription, params: ItemUpdateParams, index: number): ItemChange {
  const param = `items[${index}]`;
  if (params.id === undefined) {
    throw invalidRequest('The Stripe emulator does not support adding items to a subscription yet; pass the item `id`.', `${param}[id]`);
  }
  const item = subscription.items.data.find((candidate) => candidate.id === params.id);
  if (!item) throw missingReference('subscription_item', params.id, `${param}[id]`);
  const price = newPrice(ctx, item, params, param);
  if (price) {
    const now = item.price.recurring!;
    const next = price.price.recurring;
    if (!next) throw invalidRequest('The price specified is not recurring; a subscription needs a recurring price.', param);
    if (price.price.currency !== subscription.currency) {
      throw invalidRequest(
        `The price's currency (${price.price.currency}) must match the subscription's currency (${subscription.currency}).`,
        param,
      );
    }
    if (next.interval !== now.interval || next.interval_count !== now.interval_count) {
      // Stripe would reset the billing cycle and invoice at once; not modelled.
      throw invalidRequest("The Stripe emulator does not support changing a subscription's billing interval yet.", param);
    }
  }
  return { item, price, quantity: params.quantity, metadata: params.metadata };
}

function changesBilling(change: ItemChange): boolean {
  return change.price !== null || (change.quantity !== undefined && change.quantity !== (change.item.quantity ?? 1));
}

function checkEndedSubscription(params: UpdateParams): void {
  const allowed = new Set(['metadata', 'cancellation_details', 'expand']);
  const other = Object.entries(params).find(([key, value]) => value !== undefined && !allowed.has(key));
  if (other) throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', other[0]);
}

/** Validates an update and returns the change to apply; throws Stripe's 400 before touching anything. */
export function planUpdate(ctx: EmulatorContext, subscription: Subscription, params: UpdateParams): (s: Subscription) => void {
  if (hasEnded(subscription)) checkEndedSubscription(params);
  const items = (params.items ?? []).map((item, index) => itemChange(ctx, subscription, item, index));
  if (items.some(changesBilling) && params.proration_behavior !== 'none') {
    throw invalidRequest(
      "The Stripe emulator only supports `proration_behavior=none` when changing a subscription's price or quantity.",
      'proration_behavior',
    );
  }
  const paymentMethod =
    params.default_payment_method === undefined
      ? undefined
      : customerPaymentMethod(ctx, params.default_payment_method, String(subscription.customer), 'default_payment_method');
  const now = ctx.clock.now();

  return (s) => {
    for (const change of items) {
      if (change.price) {
        if (change.price.created) ctx.store.prices.set(change.price.price.id, change.price.price);
        change.item.price = change.price.price;
        change.item.plan = planFromPrice(change.price.price);
      }
      if (change.quantity !== undefined) change.item.quantity = change.quantity;
      change.item.metadata = mergeMetadata(change.item.metadata, change.metadata);
    }
    const details = params.cancellation_details ?? {};
    if (params.cancel_at_period_end !== undefined) setCancelAtPeriodEnd(now, s, params.cancel_at_period_end, details);
    if (params.cancellation_details && s.cancellation_details) {
      if (details.comment !== undefined) s.cancellation_details.comment = details.comment;
      if (details.feedback !== undefined) s.cancellation_details.feedback = details.feedback;
    }
    s.metadata = mergeMetadata(s.metadata, params.metadata);
    if (params.description !== undefined) s.description = params.description;
    if (paymentMethod) s.default_payment_method = paymentMethod.paymentMethod.id;
  };
}
