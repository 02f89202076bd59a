import { z } from 'zod';
import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { renderEmailViews, type EmailContext } from '../mail/render';
import type { EmailTemplate } from '../mail/templates';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import { findDonorNameForDocuments } from '../donors/donor-queries';
import { findMembership } from './membership-queries';
import { nextPayment } from './next-payment';

const data = z.object({ membership_id: z.uuid() });
const INTERVAL = { month: 'month', year: 'year' } as const;

async function membershipFacts(db: Db, raw: Record<string, unknown>, ctx: EmailContext) {
  const membership = await findMembership(db, data.parse(raw).membership_id);
  if (!membership) throw new Error('membership not found');
  const donor = membership.donor_id ? await findDonorNameForDocuments(db, membership.donor_id) : undefined;
  const timezone = ctx.settings.organization.timezone;
  // Mail is rendered when sent, from the row as it is then: a welcome sent after a renewal failed names no next payment.
  const next = nextPayment(membership);
  return {
    membership: {
      amount: `${formatMoney(membership.amount, membership.currency)} a ${INTERVAL[membership.interval]}`,
      periodEnd: membership.current_period_end ? formatDateInTimeZone(membership.current_period_end, timezone) : null,
      nextPaymentOn: next.kind === 'due' ? formatDateInTimeZone(next.on, timezone) : null,
    },
    greeting: donor?.name?.trim() ? `Dear ${donor.name.trim()},` : 'Hello,',
    accountUrl: `${ctx.baseUrl}/account`,
  };
}

function template(name: string, subject: (org: string) => string): EmailTemplate {
  return async (db, raw, ctx) => {
    const locals = await membershipFacts(db, raw, ctx);
    const parts = await renderEmailViews(name, subject(ctx.settings.organization.name), locals, ctx);
    return { ...parts, attachments: [] };
  };
}

/** Member lifecycle messages. Receipts for each payment are separate (src/receipts). */
export const MEMBERSHIP_EMAILS: Record<string, EmailTemplate> = {
  'member-welcome': template('member-welcome', (org) => `Welcome, member of ${org}`),
  'membership-payment-failed': template('membership-payment-failed', (org) => `Your ${org} membership payment didn't go through`),
  'membership-cancel-scheduled': template('membership-cancel-scheduled', (org) => `Your ${org} membership will end`),
  'membership-ended': template('membership-ended', (org) => `Your ${org} membership has ended`),
};
