import type { ParsedMail } from 'mailparser';
import { createLogger } from '../../../src/lib/logger';
import { OutboxWorker } from '../../../src/mail/outbox-worker';
import { outboxRenderer } from '../../../src/mail/templates';
import { createMailTransport, type MailTransport } from '../../../src/mail/transport';
import { SettingsCache, writeSetting } from '../../../src/settings/settings';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pdfText, pendingDonation, refundedCharge } from './support';

// 2026-11-18T20:15:00Z: November 18 in New York.
const PAID = 1_795_032_900;

/**
 * A payment's receipt from the webhook to the donor's inbox: the signed event
 * queues it, the outbox worker renders and sends it over real SMTP, and we
 * read what arrived as a mail client would.
 */
describe('Receipts as they arrive by email', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let worker: OutboxWorker;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    await writeSetting(t.db, 'organization', {
      name: 'Harbor City News',
      legal_name: 'Harbor City News Foundation, Inc.',
      ein: '12-3456789',
      address: '100 Main Street, Springfield, IL 62701',
    });
    smtp = await startTestSmtpServer();
    transport = createMailTransport(smtp.url, t.db);
    const settings = new SettingsCache(t.db);
    worker = new OutboxWorker({
      db: t.db,
      transport,
      render: outboxRenderer(t.db, async () => ({ settings: await settings.get(), baseUrl: TEST_BASE_URL, linkKey: 'test-link-key' })),
      from: 'Harbor City News <giving@harbor.example.org>',
      logger: createLogger('silent'),
    });
  });
  afterEach(async () => {
    transport.close();
    await smtp.close();
  });
  afterAll(() => t.close());

  let n = 0;
  async function pay(amount: number, goods?: [number, string]) {
    n += 1;
    const donation = await pendingDonation(t, {
      amount,
      ...(goods ? { goods_value: goods[0], goods_description: goods[1] } : {}),
    });
    const paymentIntent = `pi_smtp_${n}`;
    await deliver(t, 'charge.succeeded', cardCharge({ id: `ch_smtp_${n}`, donationId: donation.id, amount, payment_intent: paymentIntent }));
    await deliver(
      t,
      'checkout.session.completed',
      checkoutSession({ id: donation.sessionId, donationId: donation.id, amount_total: amount, payment_intent: paymentIntent }),
      { created: PAID },
    );
    return { ...donation, paymentIntent, charge: `ch_smtp_${n}` };
  }

  async function inbox(): Promise<ParsedMail[]> {
    while ((await worker.runOnce()) > 0);
    return smtp.received;
  }

  function facts(mail: ParsedMail) {
    return [mail.text ?? '', String(mail.html)];
  }

  it('a plain gift: every required fact, the 1771 statement and a PDF with the number', async () => {
    await pay(2500);
    const [mail] = await inbox();
    expect(mail!.subject).toBe('Your receipt from Harbor City News (No. 2026-000001)');
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toBe('reader@example.com');
    for (const part of facts(mail!)) {
      for (const fact of [
        'Harbor City News Foundation, Inc.',
        '12-3456789',
        '100 Main Street, Springfield, IL 62701',
        'Ada Reader',
        'November 18, 2026',
        '$25.00 USD',
        'Visa ending in 4242',
        '2026-000001',
        'No goods or services were provided in exchange for this contribution.',
      ]) {
        expect(part).toContain(fact);
      }
    }
    const pdf = mail!.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.filename).toBe('receipt-2026-000001.pdf');
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.content.subarray(-6).toString()).toContain('%%EOF');
    expect(pdfText(pdf.content)).toContain('2026-000001');
  });

  it('a quid pro quo gift over $75: the value of the goods and the deductible amount', async () => {
    await pay(15000, [4000, 'two tickets to the annual dinner']);
    const [mail] = await inbox();
    for (const part of facts(mail!)) {
      expect(part).toContain('two tickets to the annual dinner');
      expect(part).toMatch(/good-faith estimate of the fair market value of the goods or services provided is \$40\.00/);
      expect(part).toMatch(/deductible for federal income tax purposes is limited to/);
      expect(part).toContain('$110.00');
      expect(part).not.toContain('No goods or services were provided');
    }
  });

  it('a gift of $250 or more: the written acknowledgment the IRS requires', async () => {
    await pay(25000);
    const [mail] = await inbox();
    for (const part of facts(mail!)) {
      expect(part).toContain('$250.00');
      expect(part).toContain('written acknowledgment');
      expect(part).toContain('No goods or services were provided in exchange for this contribution.');
    }
  });

  it('a refund: a full refund voids the receipt with a notice; a partial one sends a corrected receipt', async () => {
    const full = await pay(2500);
    const partial = await pay(10000);
    await inbox();
    smtp.received.length = 0;

    await deliver(t, 'charge.refunded', refundedCharge(2500, { id: full.charge, amount: 2500, payment_intent: full.paymentIntent, donationId: full.id }));
    await deliver(t, 'charge.refunded', refundedCharge(3000, { id: partial.charge, amount: 10000, payment_intent: partial.paymentIntent, donationId: partial.id }));
    const mails = await inbox();
    const voided = mails.find((m) => m.subject?.includes('is void'))!;
    expect(voided.subject).toBe('Your receipt No. 2026-000001 from Harbor City News is void');
    expect(voided.text).toContain('$25.00');
    expect(voided.attachments).toHaveLength(0);

    const corrected = mails.find((m) => m.subject?.startsWith('Your corrected receipt'))!;
    expect(corrected.subject).toBe('Your corrected receipt from Harbor City News (No. 2026-000003)');
    expect(corrected.text).toContain('2026-000002');
    expect(corrected.text).toContain('$70.00');
    expect(pdfText(corrected.attachments[0]!.content)).toContain('2026-000003');
  });
});
