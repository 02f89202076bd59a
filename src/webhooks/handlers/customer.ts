import type Stripe from 'stripe';
import { applyCustomerUpdate } from '../../donors/apply-customer-update';
import type { EventHandler } from '../handler-types';

/** `customer.updated`: the donor's email and name follow Stripe (donors/apply-customer-update). */
export const handleCustomerUpdated: EventHandler = async (ctx, event) => {
  const customer = event.data.object as Stripe.Customer;
  await applyCustomerUpdate(
    ctx.trx,
    { customerId: customer.id, email: customer.email ?? null, name: customer.name ?? null, at: new Date(event.created * 1000) },
    ctx.logger,
  );
};
