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

/**
 * Claims up to `limit` rows due for sending (or whose lease ran out, from a
 * worker that died), leasing them for `leaseMs`. SKIP LOCKED lets any number
 * of workers share the table without waiting on each other.
 */
export async function claimDueEmails(db: Db, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await db.raw(
    `update email_outbox set status = ?, attempts = attempts + 1,
            locked_until = now() + (? * interval '1 millisecond'), updated_at = now()
      where id in (
        select id from email_outbox
         where (status = ? and next_attempt_at <= now())
            or (status = ? and locked_until < now())
         order by next_attempt_at
         limit ?
         for update skip locked)
      returning *`,
    ['sending', leaseMs, 'pending', 'sending', limit],
  );
  return rows as OutboxRow[];
}

export async function markEmailSent(db: Db, id: string, messageId: string): Promise<void> {
  await db('email_outbox')
    .where({ id })
    .update({ status: 'sent', sent_at: db.fn.now(), message_id: messageId, locked_until: null, last_error: null, updated_at: db.fn.now() });
}

/** A failed attempt: the row waits until `retryAt`, or is failed for good when `exhausted`. */
export async function markEmailAttemptFailed(db: Db, id: string, failure: { reason: string; exhausted: boolean; retryAt: Date }): Promise<void> {
  await db('email_outbox')
    .where({ id })
    .update({
      status: failure.exhausted ? 'failed' : 'pending',
      last_error: failure.reason,
      locked_until: null,
      next_attempt_at: failure.retryAt,
      updated_at: db.fn.now(),
    });
}

/** Rows claimed but not attempted go back to the queue as they were. */
export async function releaseClaimedEmails(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db('email_outbox')
    .whereIn('id', ids)
    .where({ status: 'sending' })
    .update({ status: 'pending', attempts: db.raw('attempts - 1'), locked_until: null, updated_at: db.fn.now() });
}
