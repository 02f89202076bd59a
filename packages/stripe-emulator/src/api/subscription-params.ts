import { z } from 'zod';
import { listParams } from './lists';
import {
  arrayParam,
  booleanParam,
  currencyParam,
  expandParam,
  ignored,
  ignoredParam,
  metadataParam,
  notEmulated,
  notEmulatedParam,
  optionalString,
  positiveIntegerParam,
  rangeParam,
  requiredString,
} from './params';

/**
 * Params of `/v1/subscriptions`, following the SDK's `SubscriptionUpdateParams`,
 * `SubscriptionCancelParams` and `SubscriptionListParams`. As for checkout
 * sessions, params that would change billing in ways the emulator does not
 * model (trials, discounts, schedules, pausing) are refused.
 */

/** On updates Stripe's "emptyable" strings take "" to mean "clear". */
const clearableString = z
  .string()
  .transform((value) => (value === '' ? null : value))
  .optional();

const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

const cancellationDetailsParam = z
  .strictObject({
    comment: clearableString,
    feedback: z
      .enum([...FEEDBACK, ''])
      .transform((value) => (value === '' ? null : value))
      .optional(),
    feedback_option: ignoredParam,
  })
  .optional();

const itemParam = z.strictObject({
  id: optionalString,
  price: optionalString,
  price_data: z
    .strictObject({
      currency: currencyParam,
      product: requiredString,
      unit_amount: positiveIntegerParam,
      recurring: z.strictObject({
        interval: z.enum(['day', 'week', 'month', 'year']),
        interval_count: positiveIntegerParam.optional(),
      }),
      tax_behavior: ignoredParam,
      unit_amount_decimal: notEmulatedParam,
    })
    .optional(),
  quantity: positiveIntegerParam.optional(),
  metadata: metadataParam,
  clear_usage: ignoredParam,
  ...notEmulated('billing_thresholds', 'current_trial', 'deleted', 'discounts', 'plan', 'tax_rates'),
});

export const updateSchema = z.strictObject({
  cancel_at_period_end: booleanParam.optional(),
  cancellation_details: cancellationDetailsParam,
  default_payment_method: optionalString,
  description: clearableString,
  items: arrayParam(itemParam, { max: 20 }).optional(),
  metadata: metadataParam,
  proration_behavior: z.enum(['always_invoice', 'create_prorations', 'none']).optional(),
  expand: expandParam,
  // Only matter when an invoice would be made now, which the emulated changes never do.
  ...ignored('off_session', 'payment_behavior', 'proration_date'),
  // Presentation only.
  ...ignored('automatic_tax', 'invoice_settings', 'payment_settings'),
  ...notEmulated(
    'add_invoice_items', 'application_fee_percent', 'billing_cycle_anchor', 'billing_schedules',
    'billing_thresholds', 'cancel_at', 'collection_method', 'days_until_due', 'default_source', 'default_tax_rates',
    'discounts', 'on_behalf_of', 'pause_collection', 'pending_invoice_item_interval', 'transfer_data', 'trial_end',
    'trial_from_plan', 'trial_settings',
  ),
});

export type UpdateParams = z.output<typeof updateSchema>;
export type ItemUpdateParams = z.output<typeof itemParam>;

/** `DELETE /v1/subscriptions/:id` (params in the query, as the SDK sends them for DELETE). */
export const cancelSchema = z.strictObject({
  cancellation_details: cancellationDetailsParam,
  invoice_now: booleanParam.optional(),
  prorate: booleanParam.optional(),
  expand: expandParam,
});

export const listSchema = z.strictObject({
  ...listParams,
  customer: z.string().optional(),
  price: z.string().optional(),
  status: z
    .enum(['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'])
    .optional(),
  current_period_end: rangeParam,
  current_period_start: rangeParam,
  expand: expandParam,
  ...ignored('automatic_tax', 'collection_method', 'customer_account', 'plan', 'test_clock'),
});
