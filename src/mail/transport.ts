import nodemailer, { type Transporter } from 'nodemailer';
import { insertMailboxMessage } from '../dev/mailbox-queries';
import type { Db } from '../db/knex';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
  /** Stable per outbox row, so a resend after a crash is recognisable as the same message. */
  messageId: string;
}

/** The one way mail leaves the app. */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

export function createMailTransport(smtpUrl: string | null, db: Db): MailTransport {
  return smtpUrl ? new SmtpTransport(smtpUrl) : new DevMailboxTransport(db);
}

class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;

  constructor(url: string) {
    this.transporter = nodemailer.createTransport({
      url,
      // Fail fast: the outbox retries with backoff, a hung socket only delays the batch.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.transporter.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: message.messageId,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/** Development without SMTP: messages are kept in the database and shown at /dev/mailbox. */
class DevMailboxTransport implements MailTransport {
  readonly kind = 'dev-mailbox';
  constructor(private readonly db: Db) {}

  async send(message: OutgoingMessage): Promise<void> {
    await insertMailboxMessage(this.db, {
      message_id: message.messageId,
      from_address: message.from,
      to_address: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content.toString('base64'),
      })),
    });
  }

  close(): void {}
}
