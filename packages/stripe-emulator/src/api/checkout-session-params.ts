import { z } from 'zod';
import {
  arrayParam,
  currencyParam,
  expandParam,
  ignored,
  ignoredParam,
  integerParam,
  metadataParam,
  notEmulated,
  notEmulatedParam,
  optionalString,
  positiveIntegerParam,
  requiredString,
  urlParam,
} from './params';

/**
 * `POST /v1/checkout/sessions` params, following Stripe's
 * `Checkout.SessionCreateParams`. Params that only change presentation are
 * accepted and ignored; params that would change amounts or flow in ways the
 * emulator does not model are refused, so a test never passes by accident.
 */

const priceDataParam = z
  .strictObject({
    currency: currencyParam,
    unit_amount: positiveIntegerParam.optional(),
    product: optionalString,
    product_data: z
      .strictObject({
        name: requiredString.pipe(z.string().max(250)),
        description: optionalString,
        metadata: metadataParam,
        ...ignored('images', 'tax_code', 'tax_details', 'unit_label'),
      })
      .optional(),
    recurring: z
      .strictObject({
        interval: z.enum(['day', 'week', 'month', 'year']),
        interval_count: positiveIntegerParam.optional(),
      })
      .optional(),
    tax_behavior: ignoredParam,
    unit_amount_decimal: notEmulatedParam,
  })
  .superRefine((value, ctx) => {
    if (value.unit_amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unit_amount'], message: 'Missing required param: unit_amount.' });
    }
    if (value.product === undefined && value.product_data === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['product_data'],
        message: 'You must specify either `product` or `product_data`.',
      });
    }
  });

const lineItemParam = z.strictObject({
  price: optionalString,
  price_data: priceDataParam.optional(),
  quantity: positiveIntegerParam,
  metadata: metadataParam,
  adjustable_quantity: notEmulatedParam,
  tax_rates: notEmulatedParam,
});

const paymentIntentDataParam = z.strictObject({
  description: optionalString,
  metadata: metadataParam,
  ...ignored('receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'setup_future_usage', 'shipping'),
  ...notEmulated('capture_method', 'application_fee_amount', 'on_behalf_of', 'transfer_data', 'transfer_group'),
});

const subscriptionDataParam = z.strictObject({
  description: optionalString,
  metadata: metadataParam,
  ...ignored('billing_mode', 'invoice_settings', 'proration_behavior'),
  ...notEmulated(
    'default_tax_rates', 'application_fee_percent', 'billing_cycle_anchor', 'billing_cycle_anchor_config',
    'on_behalf_of', 'pending_invoice_item_interval', 'transfer_data', 'trial_end', 'trial_period_days',
    'trial_settings',
  ),
});

export const createSessionSchema = z.strictObject({
  mode: z.enum(['payment', 'subscription', 'setup']),
  line_items: arrayParam(lineItemParam, { min: 1, max: 100 }).optional(),
  success_url: urlParam,
  cancel_url: urlParam.optional(),
  submit_type: z.enum(['auto', 'book', 'donate', 'pay', 'subscribe']).optional(),
  customer: optionalString,
  customer_email: optionalString,
  customer_creation: z.enum(['always', 'if_required']).optional(),
  client_reference_id: optionalString.pipe(z.string().max(200).optional()),
  metadata: metadataParam,
  payment_intent_data: paymentIntentDataParam.optional(),
  subscription_data: subscriptionDataParam.optional(),
  expires_at: integerParam.optional(),
  locale: optionalString,
  ui_mode: z.enum(['hosted_page']).optional(),
  expand: expandParam,
  // Presentation only: accepted, no effect on what the emulator does.
  ...ignored(
    'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'allowed_payment_method_types', 'automatic_tax',
    'billing_address_collection', 'branding_settings', 'consent_collection', 'custom_fields', 'custom_text',
    'customer_update', 'excluded_payment_method_types', 'integration_identifier', 'invoice_creation',
    'name_collection', 'origin_context', 'payment_method_collection', 'payment_method_configuration',
    'payment_method_options', 'phone_number_collection', 'saved_payment_method_options', 'tax_id_collection',
    'wallet_options',
  ),
  // Would change amounts or the flow: refused until emulated.
  ...notEmulated(
    'currency', 'customer_account', 'discounts', 'managed_payments', 'optional_items', 'payment_method_data',
    'permissions', 'redirect_on_completion', 'return_url', 'setup_intent_data', 'shipping_address_collection',
    'shipping_options',
  ),
});

export type CreateSessionParams = z.output<typeof createSessionSchema>;
export type LineItemParams = z.output<typeof lineItemParam>;
