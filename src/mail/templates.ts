import { signInLinkEmail } from '../account/sign-in-email';
import type { Db } from '../db/knex';
import { MEMBERSHIP_EMAILS } from '../members/membership-email-templates';
import { receiptCorrectedEmail, receiptEmail, receiptVoidEmail } from '../receipts/receipt-emails';
import { yearEndStatementEmail } from '../receipts/year-end-email';
import type { OutboxRow } from './outbox-queries';
import type { EmailContext, RenderedEmail } from './render';

/**
 * Renders one kind of message from an outbox row's data. Templates load what
 * they show from the database at send time, so a message reflects committed
 * state and the outbox row stays small.
 */
export type EmailTemplate = (db: Db, data: Record<string, unknown>, ctx: EmailContext) => Promise<RenderedEmail>;

/** Every message the product sends, by the name stored in email_outbox.template. */
export const EMAIL_TEMPLATES: Readonly<Record<string, EmailTemplate>> = {
  receipt: receiptEmail,
  'receipt-corrected': receiptCorrectedEmail,
  'receipt-void': receiptVoidEmail,
  'year-end-statement': yearEndStatementEmail,
  'sign-in-link': signInLinkEmail,
  ...MEMBERSHIP_EMAILS,
};

export class UnknownTemplateError extends Error {
  constructor(name: string) {
    super(`No email template named "${name}"`);
    this.name = 'UnknownTemplateError';
  }
}

export function outboxRenderer(db: Db, ctx: () => Promise<EmailContext>, templates = EMAIL_TEMPLATES) {
  return async (row: OutboxRow): Promise<RenderedEmail> => {
    const template = templates[row.template];
    if (!template) throw new UnknownTemplateError(row.template);
    return template(db, row.data, await ctx());
  };
}
