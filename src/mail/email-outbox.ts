import type { Db } from '../db/knex';

export interface QueuedEmail {
  to: string;
  /** A template registered in src/mail/templates.ts. */
  template: string;
  /** Ids and small facts; the template loads the rest when it renders. */
  data: Record<string, unknown>;
  /** One message per key, ever: `receipt:<donation id>`, `welcome:<membership id>`. */
  dedupeKey: string;
}

/**
 * Queues an email. Call it with the transaction that makes the change the
 * email reports, so both commit or neither does. Returns false when a message
 * with this dedupe key was already queued.
 */
export async function enqueueEmail(db: Db, email: QueuedEmail): Promise<boolean> {
  const inserted = await db('email_outbox')
    .insert({
      recipient: email.to,
      template: email.template,
      data: JSON.stringify(email.data),
      dedupe_key: email.dedupeKey,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length === 1;
}

export interface OutboxRow {
  id: string;
  recipient: string;
  template: string;
  data: Record<string, unknown>;
  dedupe_key: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  message_id: string | null;
  sent_at: Date | null;
}
