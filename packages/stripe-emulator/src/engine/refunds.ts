import type { EmulatorContext } from './context';
import { StripeApiError, invalidRequest } from './errors';
import { eventOf, type NewEvent } from './events';
import { newId } from './ids';
import type { Charge, Metadata, Refund } from './stripe-objects';

/**
 * Refunds of a charge (the routes are in `api/refund-routes.ts`). Card
 * refunds succeed at once in test mode. The charge keeps the running total in
 * `amount_refunded`, and `charge.refunded` carries the whole charge, so a
 * handler can apply it whichever refund event it sees last.
 */

export interface RefundFields {
  metadata?: Metadata | null | undefined;
  reason?: Refund['reason'] | undefined;
}

function checkAmount(ctx: EmulatorContext, charge: Charge, amount: number): void {
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} has not succeeded, so it cannot be refunded.`, 'charge');
  }
  if (remaining <= 0) {
    throw new StripeApiError(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  if (amount > remaining) {
    const money = (minor: number) => ctx.formatMoney(minor, charge.currency);
    const of = charge.amount_refunded > 0 ? 'unrefunded amount on charge' : 'charge amount';
    throw invalidRequest(`Refund amount (${money(amount)}) is greater than ${of} (${money(remaining)})`, 'amount');
  }
}

function buildRefund(ctx: EmulatorContext, charge: Charge, amount: number, fields: RefundFields): Refund {
  return {
    id: newId('refund'),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: ctx.clock.now(),
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: {
      type: 'card',
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
    },
    metadata: fields.metadata ?? {},
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: fields.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

/** Refunds `amount` of the charge (all that is left when undefined); returns the refund and its events. */
export function refundCharge(
  ctx: EmulatorContext,
  charge: Charge,
  amount: number | undefined,
  fields: RefundFields,
): { refund: Refund; events: NewEvent[] } {
  const refunded = amount ?? charge.amount_captured - charge.amount_refunded;
  checkAmount(ctx, charge, refunded);
  const refund = buildRefund(ctx, charge, refunded, fields);
  ctx.store.refunds.set(refund.id, refund);
  charge.amount_refunded += refunded;
  charge.refunded = charge.amount_refunded === charge.amount_captured;
  return { refund, events: [eventOf('refund.created', refund), eventOf('charge.refunded', charge)] };
}
