import type { Db } from '../db/knex';

export interface StoredAttachment {
  filename: string;
  contentType: string;
  /** Base64. */
  content: string;
}

export interface MailboxMessage {
  id: string;
  message_id: string;
  from_address: string;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  attachments: StoredAttachment[];
  received_at: Date;
}

export type NewMailboxMessage = Omit<MailboxMessage, 'id' | 'received_at'>;

export async function insertMailboxMessage(db: Db, message: NewMailboxMessage): Promise<void> {
  await db('dev_mailbox').insert({ ...message, attachments: JSON.stringify(message.attachments) });
}

/** The newest messages, as the mailbox lists them. */
export async function listMailboxMessages(db: Db, limit: number) {
  return db('dev_mailbox')
    .select('id', 'to_address', 'subject', 'received_at', db.raw('jsonb_array_length(attachments) as attachment_count'))
    .orderBy('received_at', 'desc')
    .limit(limit);
}

export async function findMailboxMessage(db: Db, id: string): Promise<MailboxMessage | undefined> {
  return db('dev_mailbox').where({ id }).first();
}
