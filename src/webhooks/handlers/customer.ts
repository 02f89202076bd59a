import type Stripe from 'stripe';
import { isUniqueViolation } from '../../db/pg-errors';
import type { EventHandler } from '../handler-types';

/**
 * `customer.updated`: keeps the donor's email and name as the donor last set
 * them in Stripe (the billing portal, or staff in the dashboard). An address
 * that already belongs to another donor is left alone: merging two donors is
 * a staff decision, not a webhook's.
 */
export const handleCustomerUpdated: EventHandler = async (ctx, event) => {
  const customer = event.data.object as Stripe.Customer;
  const donor: { id: string; email: string; updated_from_stripe_at: Date | null } | undefined = await ctx
    .trx('donors')
    .where({ stripe_customer_id: customer.id })
    .forUpdate()
    .first('id', 'email', 'updated_from_stripe_at');
  if (!donor) return;
  const at = new Date(event.created * 1000);
  if (donor.updated_from_stripe_at && donor.updated_from_stripe_at.getTime() > at.getTime()) return; // an older snapshot
  const changes: Record<string, unknown> = { updated_from_stripe_at: at, updated_at: ctx.trx.fn.now() };
  if (customer.name) changes.name = customer.name;
  if (customer.email) changes.email = customer.email;
  // Savepoint: a clash with another donor's address must not abort the event's transaction.
  try {
    await ctx.trx.transaction(async (sp) => sp('donors').where({ id: donor.id }).update(changes));
    if (customer.email && customer.email.toLowerCase() !== donor.email.toLowerCase()) {
      // The account's sign-in address changed outside Sustain: whoever is signed
      // in must prove they hold the new address before seeing the donor's giving.
      await ctx.trx('sessions').where({ donor_id: donor.id }).delete();
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    delete changes.email;
    await ctx.trx('donors').where({ id: donor.id }).update(changes);
    ctx.logger.warn({ donor_id: donor.id }, 'customer email belongs to another donor; email not changed');
  }
};
