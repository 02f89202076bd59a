import { createLogger } from '../../../src/lib/logger';
import { OutboxWorker } from '../../../src/mail/outbox-worker';
import { outboxRenderer } from '../../../src/mail/templates';
import { createMailTransport } from '../../../src/mail/transport';
import { Scheduler } from '../../../src/jobs/scheduler';
import { yearEndStatementsJob } from '../../../src/receipts/year-end-job';
import { issueYearEndStatements } from '../../../src/receipts/year-end-statements';
import { renderStatementPdf } from '../../../src/receipts/statement-pdf';
import { loadStatementView } from '../../../src/receipts/year-end-view';
import { defaultSettings, SettingsCache, writeSetting } from '../../../src/settings/settings';
import { bootTestApp, type TestApp } from '../../support/app';
import { startTestSmtpServer } from '../../support/smtp-server';
import { checkoutSession } from '../../support/stripe-fixtures';
import { invoiceObject } from '../../support/membership-fixtures';
import { buildMembership } from '../../support/factories';
import { deliver, pdfText, pendingDonation, refundedCharge } from './support';

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('Year-end giving statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    await writeSetting(t.db, 'organization', { legal_name: 'Ledger News, Inc.', ein: '12-3456789', name: 'The Ledger' });
  });
  afterAll(() => t.close());

  let gifts = 0;
  /** A paid gift, through the real webhook path (which issues its receipt). */
  async function paidGift(email: string, amount: number, paidAt: string, extra: Record<string, unknown> = {}) {
    gifts += 1;
    const donation = await pendingDonation(t, { amount, ...extra });
    await deliver(
      t,
      'checkout.session.completed',
      checkoutSession({
        id: donation.sessionId,
        donationId: donation.id,
        amount_total: amount,
        payment_intent: `pi_year_${gifts}`,
        customer: `cus_${email.split('@')[0]}`,
        customer_details: { ...checkoutSession().customer_details!, email, name: email.split('@')[0]! },
      }),
      { created: at(paidAt) },
    );
    return { ...donation, paymentIntent: `pi_year_${gifts}` };
  }

  async function refund(gift: { id: string; paymentIntent: string }, amountRefunded: number, total: number) {
    await deliver(
      t,
      'charge.refunded',
      refundedCharge(amountRefunded, { id: `ch_${gift.paymentIntent}`, amount: total, payment_intent: gift.paymentIntent, donationId: gift.id }),
    );
  }

  async function givingYear() {
    const a1 = await paidGift('ada@example.com', 2500, '2026-02-10T15:00:00Z');
    const a2 = await paidGift('ada@example.com', 10000, '2026-06-01T15:00:00Z', { goods_value: 3000, goods_description: 'a tote bag' });
    const a3 = await paidGift('ada@example.com', 5000, '2026-09-09T15:00:00Z');
    await paidGift('ada@example.com', 7000, '2025-12-31T12:00:00Z'); // last year
    await paidGift('ada@example.com', 4000, '2027-01-01T04:30:00Z'); // Dec 31, 23:30 in New York: still 2026
    await refund(a3, 5000, 5000); // fully refunded
    await refund(a2, 2000, 10000); // partially refunded: 80.00 remains
    await paidGift('grace@example.com', 1500, '2026-03-03T15:00:00Z');
    // Grace is also a monthly member: two renewals in 2026 and one in January 2027.
    const membership = await buildMembership(t.db, { stripe_checkout_session_id: 'cs_test_grace' });
    const ids = { membershipId: membership.id, subscriptionId: 'sub_grace', customerId: 'cus_grace', sessionId: 'cs_test_grace' };
    for (const [invoice, paidAt] of [['in_g1', '2026-10-15T15:00:00Z'], ['in_g2', '2026-11-15T15:00:00Z'], ['in_g3', '2027-01-15T15:00:00Z']] as const) {
      await deliver(t, 'invoice.paid', invoiceObject(ids, { id: invoice, paidAt: at(paidAt), email: 'grace@example.com' }), { created: at(paidAt) });
    }
    return { a1, a2, a3 };
  }

  it('issues one statement per donor with the year’s gifts, refunds netted, and queues it', async () => {
    await givingYear();
    const result = await issueYearEndStatements(t.db, 2026);
    expect(result).toEqual({ issued: 2, alreadyIssued: 0, withoutEmail: 0 });

    const ada = await t.db('donors').where({ email: 'ada@example.com' }).first();
    const statement = await t.db('year_end_statements').where({ donor_id: ada.id }).first();
    // 25.00 + (100.00 - 20.00 refunded) + 40.00; the fully refunded 50.00 and the 2025 gift are out.
    expect(statement).toMatchObject({ year: 2026, gift_count: 3, total: 14500, currency: 'usd' });
    // The tote bag (30.00) is not deductible.
    expect(statement.deductible_total).toBe(11500);
    // One-time and recurring gifts together: 15.00 once, and two 10.00 renewals of 2026.
    const grace = await t.db('donors').where({ email: 'grace@example.com' }).first();
    expect(await t.db('year_end_statements').where({ donor_id: grace.id }).first()).toMatchObject({ gift_count: 3, total: 3500 });
    const queued = await t.db('email_outbox').where({ template: 'year-end-statement' }).orderBy('recipient');
    expect(queued.map((q) => [q.recipient, q.dedupe_key])).toEqual([
      ['ada@example.com', `year-end:2026:${ada.id}`],
      ['grace@example.com', expect.stringMatching(/^year-end:2026:/)],
    ]);
  });

  it('is idempotent: a second run issues and sends nothing new', async () => {
    await givingYear();
    await issueYearEndStatements(t.db, 2026);
    const outboxBefore = await t.db('email_outbox').count({ n: '*' });
    expect(await issueYearEndStatements(t.db, 2026)).toEqual({ issued: 0, alreadyIssued: 2, withoutEmail: 0 });
    expect(await t.db('email_outbox').count({ n: '*' })).toEqual(outboxBefore);
    expect(await t.db('year_end_statements').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('arrives over SMTP with every gift, the totals, the 1771 wording and a PDF copy', async () => {
    await givingYear();
    await issueYearEndStatements(t.db, 2026);
    await t.db('email_outbox').whereNot({ template: 'year-end-statement' }).delete();
    const smtp = await startTestSmtpServer();
    const transport = createMailTransport(smtp.url, t.db);
    const settings = new SettingsCache(t.db);
    const worker = new OutboxWorker({
      db: t.db,
      transport,
      render: outboxRenderer(t.db, async () => ({ settings: await settings.get(), baseUrl: 'http://localhost:3000', linkKey: 'test-link-key' })),
      from: 'The Ledger <giving@ledger.example.org>',
      logger: createLogger('silent'),
    });
    try {
      await worker.runOnce();
    } finally {
      transport.close();
      await smtp.close();
    }
    const mail = smtp.received.find((m) => m.to && 'text' in m.to && m.to.text === 'ada@example.com')!;
    expect(mail.subject).toBe('Your 2026 giving statement from The Ledger');
    const text = mail.text!;
    for (const fact of ['February 10, 2026', 'June 1, 2026', 'December 31, 2026', '$25.00', '$80.00', '$40.00', 'Total: $145.00 USD', 'Deductible total: $115.00', '(EIN 12-3456789)']) {
      expect(text).toContain(fact);
    }
    expect(text).not.toContain('September 9, 2026');
    expect(text).not.toContain('$70.00');
    expect(mail.html).toContain('$145.00');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('giving-statement-2026.pdf');
    expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(mail.attachments[0]!.content)).toContain('2026 giving statement');
    const graces = smtp.received.find((m) => m.to && 'text' in m.to && m.to.text === 'grace@example.com')!;
    expect(graces.text).toMatch(/One-time[\s\S]*Monthly[\s\S]*Monthly/);
    expect(graces.text).toContain('Total: $35.00 USD');
    expect(graces.text).not.toContain('January 15, 2027');
  });

  it('prints the same totals in the PDF', async () => {
    await givingYear();
    await issueYearEndStatements(t.db, 2026);
    const statement = await t.db('year_end_statements').join('donors', 'donors.id', 'year_end_statements.donor_id').where({ email: 'ada@example.com' }).first('year_end_statements.id');
    const view = await loadStatementView(t.db, statement.id, { ...defaultSettings(), organization: { ...defaultSettings().organization, legal_name: 'Ledger News, Inc.' } });
    const text = pdfText(await renderStatementPdf(view));
    expect(text).toContain('$145.00');
    expect(text).toContain('$115.00');
    expect(text).toContain('Ledger News, Inc.');
  });

  it('is scheduled from January 5 in the organisation’s time zone, and two schedulers at once issue each statement once', async () => {
    const settings = defaultSettings();
    expect(yearEndStatementsJob.isDue(new Date('2027-01-05T05:30:00Z'), settings)).toBe(true); // 00:30 Jan 5 in New York
    expect(yearEndStatementsJob.isDue(new Date('2027-01-05T04:30:00Z'), settings)).toBe(false); // still Jan 4 there
    expect(yearEndStatementsJob.isDue(new Date('2026-12-31T15:00:00Z'), settings)).toBe(false);
    expect(yearEndStatementsJob.isDue(new Date('2027-02-01T15:00:00Z'), settings)).toBe(false);

    await givingYear();
    const make = () =>
      new Scheduler({
        db: t.db,
        settings: new SettingsCache(t.db),
        logger: createLogger('silent'),
        jobs: [yearEndStatementsJob],
        now: () => new Date('2027-01-06T15:00:00Z'),
      });
    await Promise.all([make().runDue(), make().runDue()]);
    expect(await t.db('year_end_statements').where({ year: 2026 }).count({ n: '*' })).toEqual([{ n: 2 }]);
    expect(await t.db('email_outbox').where({ template: 'year-end-statement' }).count({ n: '*' })).toEqual([{ n: 2 }]);
  });
});
