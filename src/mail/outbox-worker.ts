import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import { claimDueEmails, markEmailAttemptFailed, markEmailSent, releaseClaimedEmails, type OutboxRow } from './outbox-queries';
import type { RenderedEmail } from './render';
import type { MailTransport } from './transport';

export interface OutboxWorkerOptions {
  db: Knex;
  transport: MailTransport;
  /** Renders a row into a message; it may read the database (never inside our transaction). */
  render: (row: OutboxRow) => Promise<RenderedEmail>;
  from: string;
  logger: Logger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a claim lasts; a worker that dies mid-send leaves the row to be retried after it. */
  leaseMs?: number;
  /** Wait before attempt `n + 1` after `n` failures. */
  backoffMs?: (failures: number) => number;
}

/** 30 s, 1 min, 2 min, ... capped at 6 h: an SMTP outage of a day is survived by the default 10 attempts. */
export function defaultBackoffMs(failures: number): number {
  return Math.min(30_000 * 2 ** (failures - 1), 6 * 60 * 60 * 1000);
}

/**
 * Sends queued email. Rows are claimed with FOR UPDATE SKIP LOCKED and a
 * lease, so any number of app and worker processes share one outbox without
 * sending a row twice; the claim's transaction is short and never spans the
 * SMTP conversation.
 */
export class OutboxWorker {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly backoffMs: (failures: number) => number;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.batchSize = options.batchSize ?? 20;
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Finishes the message being sent, hands the rest of the batch back, and resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.running = false;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let sent = 0;
      try {
        sent = await this.runOnce();
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox batch failed');
      }
      if (sent === 0 && !this.stopping) await this.sleep(this.pollIntervalMs);
    }
  }

  /** Claims one batch of due rows and sends them; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    let handled = 0;
    for (const row of claimed) {
      if (this.stopping) {
        await this.release(claimed.slice(handled));
        break;
      }
      await this.deliver(row);
      handled += 1;
    }
    return handled;
  }

  private async claim(): Promise<OutboxRow[]> {
    const rows = await claimDueEmails(this.options.db, this.batchSize, this.leaseMs);
    return rows.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime());
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { db, transport, logger } = this.options;
    const messageId = messageIdFor(row, this.options.from);
    try {
      const email = await this.options.render(row);
      await transport.send({ ...email, from: this.options.from, to: row.recipient, messageId });
    } catch (error) {
      await this.recordFailure(row, error);
      return;
    }
    await markEmailSent(db, row.id, messageId);
    logger.info({ outbox_id: row.id, template: row.template, attempt: row.attempts }, 'email sent');
  }

  private async recordFailure(row: OutboxRow, error: unknown): Promise<void> {
    const { db, logger } = this.options;
    // Keep the reason short and free of message content (which holds personal data).
    const reason = describeError(error);
    const exhausted = row.attempts >= row.max_attempts;
    await markEmailAttemptFailed(db, row.id, {
      reason,
      exhausted,
      retryAt: new Date(Date.now() + (exhausted ? 0 : this.backoffMs(row.attempts))),
    });
    logger.warn({ outbox_id: row.id, template: row.template, attempt: row.attempts, exhausted, reason }, 'email not sent');
  }

  /** Rows claimed but not attempted go back to the queue as they were. */
  private async release(rows: OutboxRow[]): Promise<void> {
    await releaseClaimedEmails(this.options.db, rows.map((r) => r.id));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The same Message-ID on every attempt of a row: if a crash between the SMTP
 * server's acceptance and our "sent" update causes a resend, mail systems can
 * recognise the duplicate.
 */
function messageIdFor(row: OutboxRow, from: string): string {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'sustain.local';
  const hash = createHash('sha256').update(row.dedupe_key).digest('hex').slice(0, 32);
  return `<${hash}@${domain}>`;
}

function describeError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const parts = [e?.code, e?.responseCode ? `SMTP ${e.responseCode}` : undefined, e?.message?.slice(0, 300)];
  return parts.filter(Boolean).join(': ') || 'unknown error';
}
