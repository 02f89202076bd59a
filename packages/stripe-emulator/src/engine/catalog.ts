import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import { newId } from './ids';
import type { LineItemParams } from '../api/checkout-session-params';
import type { LineItem, Price, Product } from './stripe-objects';

/**
 * Products and prices behind line items and subscription items. `price_data`
 * creates an inline price (inactive, as Stripe's are, so it cannot be reused
 * by mistake) and, with `product_data`, a product. Subscriptions bill these
 * prices later, so they are stored like any other object.
 */

type PriceData = NonNullable<LineItemParams['price_data']>;

/** The `price_data` a checkout line item or a subscription item update carries. */
export interface InlinePriceData {
  currency: string;
  unit_amount?: number | undefined;
  recurring?: { interval: 'day' | 'week' | 'month' | 'year'; interval_count?: number | undefined } | undefined;
}

export interface ResolvedLineItem {
  price: Price;
  product: Product;
  quantity: number;
  /** Objects to store once the whole request is known to be valid. */
  created: Array<Price | Product>;
}

function buildProduct(ctx: EmulatorContext, data: NonNullable<PriceData['product_data']>): Product {
  const now = ctx.clock.now();
  return {
    id: newId('product'),
    object: 'product',
    active: true,
    created: now,
    default_price: null,
    description: data.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: data.metadata ?? {},
    name: data.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
}

export function buildInlinePrice(ctx: EmulatorContext, data: InlinePriceData, productId: string): Price {
  const unitAmount = data.unit_amount ?? 0;
  return {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created: ctx.clock.now(),
    currency: data.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productId,
    recurring: data.recurring
      ? {
          interval: data.recurring.interval,
          interval_count: data.recurring.interval_count ?? 1,
          meter: null,
          trial_period_days: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: data.recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
}

/** Resolves one line item's price and product without storing anything yet. */
export function resolveLineItem(ctx: EmulatorContext, item: LineItemParams, index: number): ResolvedLineItem {
  const param = `line_items[${index}]`;
  if (item.price !== undefined) {
    const price = ctx.store.prices.get(item.price);
    const product = price ? ctx.store.products.get(String(price.product)) : undefined;
    if (!price || !product) throw missingReference('price', item.price, `${param}[price]`);
    // Inline prices from `price_data` are inactive and, as in Stripe, cannot be reused.
    if (!price.active) {
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', `${param}[price]`);
    }
    return { price, product, quantity: item.quantity, created: [] };
  }
  const data = item.price_data;
  if (!data) throw missingReference('price', '', `${param}[price]`);
  let product: Product | undefined;
  const created: Array<Price | Product> = [];
  if (data.product !== undefined) {
    product = ctx.store.products.get(data.product);
    if (!product) throw missingReference('product', data.product, `${param}[price_data][product]`);
  } else {
    product = buildProduct(ctx, data.product_data!);
    created.push(product);
  }
  const price = buildInlinePrice(ctx, data, product.id);
  created.push(price);
  return { price, product, quantity: item.quantity, created };
}

export function storeCatalogObjects(ctx: EmulatorContext, objects: ReadonlyArray<Price | Product>): void {
  for (const object of objects) {
    if (object.object === 'price') ctx.store.prices.set(object.id, object);
    else ctx.store.products.set(object.id, object);
  }
}

export function buildLineItem(item: ResolvedLineItem, metadata: LineItem['metadata']): LineItem {
  const amount = (item.price.unit_amount ?? 0) * item.quantity;
  return {
    id: newId('lineItem'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: item.price.currency,
    description: item.product.name,
    metadata,
    price: item.price,
    quantity: item.quantity,
  };
}
