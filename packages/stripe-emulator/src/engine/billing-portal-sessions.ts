import type { EmulatorContext } from './context';
import { eventOf, type NewEvent } from './events';
import { newId } from './ids';
import type { BillingPortalSessionRecord } from './store';

/**
 * Billing portal sessions: a short-lived link to the hosted portal page
 * (`pages/billing-portal-routes.ts`) for one customer. Stripe expires a
 * session its customer does not visit in time (5 minutes); once visited, the
 * emulator keeps it usable for an hour. Both on the emulator's clock.
 */

const OPEN_WITHIN_SECONDS = 5 * 60;
const USABLE_FOR_SECONDS = 60 * 60;

/** Whether the portal session can still be used; a first visit in time starts its hour. */
export function portalSessionUsable(record: BillingPortalSessionRecord, now: number): boolean {
  if (record.openedAt === null) return now <= record.openBy;
  return now <= record.openedAt + USABLE_FOR_SECONDS;
}

export interface NewPortalSession {
  customer: string;
  configuration: string;
  locale: string | null;
  returnUrl: string | null;
}

/** Stores a portal session for a customer already known to exist; returns its `billing_portal.session.created` event. */
export function createPortalSession(ctx: EmulatorContext, input: NewPortalSession): { record: BillingPortalSessionRecord; event: NewEvent } {
  const id = newId('billingPortalSession');
  const now = ctx.clock.now();
  const record: BillingPortalSessionRecord = {
    session: {
      id,
      object: 'billing_portal.session',
      configuration: input.configuration,
      created: now,
      customer: input.customer,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: input.locale,
      on_behalf_of: null,
      return_url: input.returnUrl,
      url: `${ctx.publicUrl}/portal/${id}`,
    },
    openBy: now + OPEN_WITHIN_SECONDS,
    openedAt: null,
  };
  ctx.store.billingPortalSessions.set(id, record);
  return { record, event: eventOf('billing_portal.session.created', record.session) };
}
