import type { Knex } from 'knex';
import { createLogger } from '../../../src/lib/logger';
import { enqueueEmail } from '../../../src/mail/outbox-queries';
import { OutboxWorker } from '../../../src/mail/outbox-worker';
import { outboxRenderer, type EmailTemplate } from '../../../src/mail/templates';
import { createMailTransport, type MailTransport } from '../../../src/mail/transport';
import { defaultSettings } from '../../../src/settings/settings';
import { openTestDb, resetTestDb } from '../../support/db';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp-server';

/** A template that needs nothing from the database, so these tests are about delivery alone. */
const note: EmailTemplate = async (_db, data) => ({
  subject: `Note ${String(data.n)}`,
  html: `<p>Note <strong>${String(data.n)}</strong></p>`,
  text: `Note ${String(data.n)}`,
  attachments: [{ filename: `note-${String(data.n)}.txt`, contentType: 'text/plain', content: Buffer.from(`attached ${String(data.n)}`) }],
});
const broken: EmailTemplate = async () => {
  throw new Error('template exploded');
};

describe('email outbox worker', () => {
  let db: Knex;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  const workers: OutboxWorker[] = [];

  const makeWorker = (options: { batchSize?: number; backoffMs?: (n: number) => number } = {}) => {
    const worker = new OutboxWorker({
      db,
      transport,
      render: outboxRenderer(db, async () => ({ settings: defaultSettings(), baseUrl: 'http://localhost:3000', linkKey: 'test-link-key' }), { note, broken }),
      from: 'Our Newsroom <donations@news.example.org>',
      logger: createLogger('silent'),
      pollIntervalMs: 20,
      backoffMs: options.backoffMs ?? (() => 0),
      batchSize: options.batchSize,
    });
    workers.push(worker);
    return worker;
  };

  const queue = (n: number, template = 'note') =>
    enqueueEmail(db, { to: `reader${n}@example.com`, template, data: { n }, dedupeKey: `note:${n}` });

  const outbox = () => db('email_outbox').orderBy('dedupe_key');

  async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    db = await openTestDb();
  });
  beforeEach(async () => {
    await resetTestDb(db);
    smtp = await startTestSmtpServer();
    transport = createMailTransport(smtp.url, db);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    transport.close();
    await smtp.close();
  });
  afterAll(() => db.destroy());

  it('queues one message per dedupe key', async () => {
    expect(await queue(1)).toBe(true);
    expect(await queue(1)).toBe(false);
    expect(await outbox()).toHaveLength(1);
  });

  it('queues nothing when the transaction that wrote it rolls back', async () => {
    await expect(
      db.transaction(async (trx) => {
        await enqueueEmail(trx, { to: 'a@example.com', template: 'note', data: { n: 1 }, dedupeKey: 'note:rolled-back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outbox()).toHaveLength(0);
  });

  it('sends a queued message over SMTP with its HTML, text and attachment, and marks it sent', async () => {
    await queue(7);
    expect(await makeWorker().runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Note 7');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('reader7@example.com');
    expect(mail.from?.value).toEqual([{ name: 'Our Newsroom', address: 'donations@news.example.org' }]);
    expect(mail.html).toContain('<strong>7</strong>');
    expect(mail.text?.trim()).toBe('Note 7');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['note-7.txt', 'attached 7']]);
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, message_id: mail.messageId });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('delivers exactly once after the SMTP server refuses the first attempts', async () => {
    await queue(1);
    smtp.refuseNext(3);
    const worker = makeWorker();
    for (let i = 0; i < 3; i += 1) {
      await worker.runOnce();
      const [row] = await outbox();
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1 });
      expect(row.last_error).toMatch(/451/);
    }
    await worker.runOnce();
    await worker.runOnce();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.attempts).toBe(4);
    expect(await outbox()).toMatchObject([{ status: 'sent', attempts: 4, last_error: null }]);
  });

  it('waits out the backoff before retrying', async () => {
    await queue(1);
    smtp.refuseNext(1);
    const worker = makeWorker({ backoffMs: () => 60_000 });
    await worker.runOnce();
    expect(await worker.runOnce()).toBe(0);
    const [row] = await outbox();
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(smtp.received).toHaveLength(0);
  });

  it('gives up after max_attempts and leaves the failure visible with its last error', async () => {
    await queue(1);
    await db('email_outbox').update({ max_attempts: 2 });
    smtp.refuseNext(5);
    const worker = makeWorker();
    await worker.runOnce();
    await worker.runOnce();
    await worker.runOnce();
    expect(await outbox()).toMatchObject([{ status: 'failed', attempts: 2, last_error: expect.stringMatching(/451/) }]);
    expect(smtp.attempts).toBe(2);
  });

  it('records a template error as a failed attempt rather than crashing the worker', async () => {
    await queue(1, 'broken');
    await queue(2);
    await makeWorker().runOnce();
    const rows = await outbox();
    expect(rows[0]).toMatchObject({ status: 'pending', last_error: 'template exploded' });
    expect(rows[1]).toMatchObject({ status: 'sent' });
  });

  it('loses nothing and sends nothing twice when stopped mid-batch and restarted', async () => {
    for (let n = 1; n <= 10; n += 1) await queue(n);
    smtp.delayEach(30);
    const first = makeWorker({ batchSize: 10 });
    first.start();
    await until(async () => smtp.received.length >= 3);
    await first.stop();
    const afterStop = await outbox();
    expect(afterStop.filter((r) => r.status === 'sending')).toHaveLength(0);
    const sentBeforeRestart = smtp.received.length;
    expect(sentBeforeRestart).toBeLessThan(10);
    expect(afterStop.filter((r) => r.status === 'sent')).toHaveLength(sentBeforeRestart);
    // Rows handed back were never attempted, so they keep their attempt count.
    expect(afterStop.filter((r) => r.status === 'pending').every((r) => r.attempts === 0)).toBe(true);

    smtp.delayEach(0);
    const second = makeWorker({ batchSize: 10 });
    second.start();
    await until(async () => (await db('email_outbox').where({ status: 'sent' })).length === 10);
    const subjects = smtp.received.map((m) => m.subject).sort();
    expect(subjects).toHaveLength(10);
    expect(new Set(subjects).size).toBe(10);
  });

  it('shares the outbox between concurrent workers without sending a row twice', async () => {
    for (let n = 1; n <= 30; n += 1) await queue(n);
    const a = makeWorker({ batchSize: 4 });
    const b = makeWorker({ batchSize: 4 });
    a.start();
    b.start();
    await until(async () => (await db('email_outbox').where({ status: 'sent' })).length === 30);
    expect(smtp.received).toHaveLength(30);
    expect(new Set(smtp.received.map((m) => m.subject)).size).toBe(30);
  });

  it('retries a row whose worker died holding its lease, once the lease has expired', async () => {
    await queue(1);
    await db('email_outbox').update({ status: 'sending', attempts: 1, locked_until: new Date(Date.now() - 1000) });
    await makeWorker().runOnce();
    expect(await outbox()).toMatchObject([{ status: 'sent', attempts: 2 }]);
  });

  it('leaves a row alone while another worker holds its lease', async () => {
    await queue(1);
    await db('email_outbox').update({ status: 'sending', attempts: 1, locked_until: new Date(Date.now() + 60_000) });
    expect(await makeWorker().runOnce()).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });
});
