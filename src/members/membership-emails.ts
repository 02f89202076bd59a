import type { Knex } from 'knex';
import { findDonorMailbox } from '../donors/donor-queries';
import { enqueueEmail } from '../mail/outbox-queries';
import type { MembershipRow } from './membership-queries';
import { isPaying } from './membership-status';


/**
 * Queues what a member should hear about a change, judged by the state before
 * and after it. Every message has a dedupe key, so replays and reordered
 * events never send one twice.
 */
export async function queueMembershipEmails(trx: Knex.Transaction, before: MembershipRow, after: MembershipRow): Promise<void> {
  if (!after.donor_id) return;
  const to = await findDonorMailbox(trx, after.donor_id);
  if (!to) return;
  const queue = (template: string, dedupeKey: string) =>
    enqueueEmail(trx, { to, template, data: { membership_id: after.id }, dedupeKey });

  // Welcome a member who starts paying; a card fixed after a failed payment is no new start.
  if (isPaying(after.status) && !isPaying(before.status) && before.status !== 'past_due') {
    await queue('member-welcome', `member-welcome:${after.id}`);
  }
  if (after.cancel_at_period_end && !before.cancel_at_period_end && after.status !== 'canceled' && after.current_period_end) {
    await queue('membership-cancel-scheduled', `membership-cancel-scheduled:${after.id}:${after.current_period_end.toISOString()}`);
  }
  if (after.status === 'canceled' && before.status !== 'canceled') {
    await queue('membership-ended', `membership-ended:${after.id}`);
  }
}

export async function queuePaymentFailedEmail(trx: Knex.Transaction, membership: MembershipRow, invoiceId: string): Promise<void> {
  if (!membership.donor_id) return;
  const to = await findDonorMailbox(trx, membership.donor_id);
  if (!to) return;
  await enqueueEmail(trx, {
    to,
    template: 'membership-payment-failed',
    data: { membership_id: membership.id, invoice_id: invoiceId },
    dedupeKey: `membership-payment-failed:${invoiceId}`,
  });
}
