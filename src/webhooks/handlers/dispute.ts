import type Stripe from 'stripe';
import { applyDispute } from '../../giving/apply-dispute';
import { idOf } from '../../stripe/object-id';
import type { EventHandler } from '../handler-types';

/** `charge.dispute.created` / `charge.dispute.closed`: see giving/apply-dispute for the rule. */
export const handleDisputeEvent: EventHandler = async (ctx, event) => {
  const dispute = event.data.object as Stripe.Dispute;
  const applied = await applyDispute(ctx.trx, {
    chargeId: idOf(dispute.charge),
    paymentIntentId: idOf(dispute.payment_intent),
    status: dispute.status,
    closed: event.type === 'charge.dispute.closed',
  });
  if (!applied) ctx.logger.info({ event_id: event.id, dispute_id: dispute.id }, 'dispute for a payment we do not hold; recorded only');
};
