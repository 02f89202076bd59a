import { z } from 'zod';
import {
  arrayParam,
  currencyParam,
  expandParam,
  ignoredParam,
  integerParam,
  metadataParam,
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
        images: ignoredParam,
        tax_code: ignoredParam,
        tax_details: ignoredParam,
        unit_label: ignoredParam,
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
  receipt_email: ignoredParam,
  statement_descriptor: ignoredParam,
  statement_descriptor_suffix: ignoredParam,
  setup_future_usage: ignoredParam,
  shipping: ignoredParam,
  capture_method: notEmulatedParam,
  application_fee_amount: notEmulatedParam,
  on_behalf_of: notEmulatedParam,
  transfer_data: notEmulatedParam,
  transfer_group: notEmulatedParam,
});

const subscriptionDataParam = z.strictObject({
  description: optionalString,
  metadata: metadataParam,
  billing_mode: ignoredParam,
  invoice_settings: ignoredParam,
  proration_behavior: ignoredParam,
  default_tax_rates: notEmulatedParam,
  application_fee_percent: notEmulatedParam,
  billing_cycle_anchor: notEmulatedParam,
  billing_cycle_anchor_config: notEmulatedParam,
  on_behalf_of: notEmulatedParam,
  pending_invoice_item_interval: notEmulatedParam,
  transfer_data: notEmulatedParam,
  trial_end: notEmulatedParam,
  trial_period_days: notEmulatedParam,
  trial_settings: notEmulatedParam,
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
  adaptive_pricing: ignoredParam,
  after_expiration: ignoredParam,
  allow_promotion_codes: ignoredParam,
  allowed_payment_method_types: ignoredParam,
  automatic_tax: ignoredParam,
  billing_address_collection: ignoredParam,
  branding_settings: ignoredParam,
  consent_collection: ignoredParam,
  custom_fields: ignoredParam,
  custom_text: ignoredParam,
  customer_update: ignoredParam,
  excluded_payment_method_types: ignoredParam,
  integration_identifier: ignoredParam,
  invoice_creation: ignoredParam,
  name_collection: ignoredParam,
  origin_context: ignoredParam,
  payment_method_collection: ignoredParam,
  payment_method_configuration: ignoredParam,
  payment_method_options: ignoredParam,
  phone_number_collection: ignoredParam,
  saved_payment_method_options: ignoredParam,
  tax_id_collection: ignoredParam,
  wallet_options: ignoredParam,
  // Would change amounts or the flow: refused until emulated.
  currency: notEmulatedParam,
  customer_account: notEmulatedParam,
  discounts: notEmulatedParam,
  managed_payments: notEmulatedParam,
  optional_items: notEmulatedParam,
  payment_method_data: notEmulatedParam,
  permissions: notEmulatedParam,
  redirect_on_completion: notEmulatedParam,
  return_url: notEmulatedParam,
  setup_intent_data: notEmulatedParam,
  shipping_address_collection: notEmulatedParam,
  shipping_options: notEmulatedParam,
});

export type CreateSessionParams = z.output<typeof createSessionSchema>;
export type LineItemParams = z.output<typeof lineItemParam>;
