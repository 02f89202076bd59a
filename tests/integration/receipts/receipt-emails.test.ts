import type { OutboxRow } from '../../../src/mail/outbox-queries';
import { outboxRenderer } from '../../../src/mail/templates';
import { NO_GOODS_OR_SERVICES } from '../../../src/receipts/receipt-wording';
import { readSettings, writeSetting } from '../../../src/settings/settings';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { cardCharge, deliver, pdfText, pendingDonation, refundedCharge } from './support';

// 2026-11-18T20:15:00Z: November 18 in New York.
const PAID = 1_795_032_900;

describe('Receipt emails', () => {
  let t: TestApp;
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
  });
  afterAll(() => t.close());

  /** What the outbox worker does with a row: look up its template in the registry and render it. */
  const render = (row: OutboxRow) =>
    outboxRenderer(t.db, async () => ({ settings: await readSettings(t.db), baseUrl: TEST_BASE_URL, linkKey: 'test-link-key' }))(row);

  async function paid(options: { amount?: number; charge?: boolean; name?: string; goods?: [number, string] } = {}) {
    const amount = options.amount ?? 2500;
    const donation = await pendingDonation(t, {
      amount,
      ...(options.goods ? { goods_value: options.goods[0], goods_description: options.goods[1] } : {}),
    });
    if (options.charge !== false) await deliver(t, 'charge.succeeded', cardCharge({ donationId: donation.id, amount }));
    const session = checkoutSession({ id: donation.sessionId, donationId: donation.id, amount_total: amount });
    if (options.name) session.customer_details = { ...session.customer_details!, name: options.name };
    await deliver(t, 'checkout.session.completed', session, { created: PAID });
    return donation;
  }

  const outboxRow = async (template: string) => (await t.db('email_outbox').where({ template }).first()) as OutboxRow;

  describe('receipt', () => {
    it('names the organisation, donor, amount, date, card and number, with the Publication 1771 statement', async () => {
      await paid();
      const email = await render(await outboxRow('receipt'));
      expect(email.subject).toBe('Your receipt from Harbor City News (No. 2026-000001)');
      for (const part of [email.html, email.text]) {
        expect(part).toContain('Harbor City News Foundation, Inc.');
        expect(part).toContain('12-3456789');
        expect(part).toContain('100 Main Street, Springfield, IL 62701');
        expect(part).toContain('Ada Reader');
        expect(part).toContain('$25.00 USD');
        expect(part).toContain('November 18, 2026');
        expect(part).toContain('Visa ending in 4242');
        expect(part).toContain('2026-000001');
        expect(part).toContain(NO_GOODS_OR_SERVICES);
        expect(part).toContain('No goods or services were provided in exchange for this contribution.');
        expect(part).toContain('Section 501(c)(3)');
        expect(part).toContain('Please keep this receipt for your tax records.');
      }
      expect(email.html).not.toMatch(/<img/i);
      expect(email.text).not.toMatch(/<[a-z]/i);
    });

    it('attaches a PDF copy named after the receipt number', async () => {
      await paid();
      const { attachments } = await render(await outboxRow('receipt'));
      expect(attachments).toHaveLength(1);
      const [pdf] = attachments;
      expect(pdf).toMatchObject({ filename: 'receipt-2026-000001.pdf', contentType: 'application/pdf' });
      expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdfText(pdf!.content);
      expect(text).toContain('Receipt No. 2026-000001');
      expect(text).toContain('Harbor City News Foundation, Inc.');
      expect(text).toContain('EIN 12-3456789');
      expect(text).toContain('Ada Reader');
      expect(text).toContain('$25.00 USD');
      expect(text).toContain('November 18, 2026');
      expect(text).toContain('Visa ending in 4242');
      expect(text).toContain(NO_GOODS_OR_SERVICES);
    });

    it('says "Card" without digits while the charge event has not arrived', async () => {
      await paid({ charge: false });
      const email = await render(await outboxRow('receipt'));
      expect(email.text).toMatch(/Payment method:\s+Card\n/);
      expect(email.html).not.toContain('ending in');
    });

    it('escapes the donor name in HTML and leaves it as typed in plain text', async () => {
      await paid({ name: 'Ada <b>Reader</b> & "Co"' });
      const email = await render(await outboxRow('receipt'));
      expect(email.html).toContain('Ada &lt;b&gt;Reader&lt;/b&gt; &amp; &#34;Co&#34;');
      expect(email.html).not.toContain('<b>Reader</b>');
      expect(email.text).toContain('Ada <b>Reader</b> & "Co"');
    });

    it('discloses the value of a premium and the deductible amount (quid pro quo)', async () => {
      await paid({ amount: 12000, goods: [3000, 'a Harbor City News tote bag'] });
      const email = await render(await outboxRow('receipt'));
      for (const part of [email.text, pdfText(email.attachments[0]!.content)]) {
        expect(part).toContain('provided a Harbor City News tote bag');
        expect(part).toContain('good-faith estimate of the fair market value of the goods or services provided is $30.00');
        expect(part).toContain('limited to the excess of the money you contributed ($120.00)');
        expect(part).toContain('Deductible amount: $90.00');
        expect(part).not.toContain(NO_GOODS_OR_SERVICES);
      }
    });

    it('adds the staff footer note and a replacement tax-status statement from settings', async () => {
      await writeSetting(t.db, 'receipts', {
        footer_note: 'Questions? Write to members@harborcity.example.',
        tax_status_statement: 'Harbor City News is a project of Civic Media Fund (EIN 98-7654321), a 501(c)(3) public charity.',
      });
      await paid();
      const email = await render(await outboxRow('receipt'));
      expect(email.text).toContain('Questions? Write to members@harborcity.example.');
      expect(email.text).toContain('a project of Civic Media Fund (EIN 98-7654321)');
      expect(email.text).not.toContain('is a tax-exempt organization under Section 501(c)(3)');
    });
  });

  it('receipt-corrected: the new number, the one it replaces, the refund and a PDF', async () => {
    const donation = await paid({ amount: 10000 });
    await deliver(t, 'charge.refunded', refundedCharge(4000, { donationId: donation.id, amount: 10000 }));
    const email = await render(await outboxRow('receipt-corrected'));
    expect(email.subject).toBe('Your corrected receipt from Harbor City News (No. 2026-000002)');
    for (const part of [email.html, email.text]) {
      expect(part).toContain('2026-000002');
      expect(part).toContain('replaces receipt No. 2026-000001');
      expect(part).toContain('We refunded $40.00 of your contribution of $100.00');
      expect(part).toContain('$60.00 USD');
      expect(part).toContain(NO_GOODS_OR_SERVICES);
    }
    expect(email.attachments[0]!.filename).toBe('receipt-2026-000002.pdf');
    const text = pdfText(email.attachments[0]!.content);
    expect(text).toContain('Corrected receipt No. 2026-000002');
    expect(text).toContain('replaces receipt No. 2026-000001');
  });

  it('receipt-corrected still states the refund it reflects when sent after a later refund', async () => {
    const donation = await paid({ amount: 10000 });
    await deliver(t, 'charge.refunded', refundedCharge(4000, { donationId: donation.id, amount: 10000 }));
    await deliver(t, 'charge.refunded', refundedCharge(10000, { donationId: donation.id, amount: 10000 }));
    const email = await render(await outboxRow('receipt-corrected'));
    expect(email.text).toContain('We refunded $40.00 of your contribution of $100.00');
  });

  it('receipt-void: the void number and the refunded amount, no attachment', async () => {
    const donation = await paid({ amount: 10000 });
    await deliver(t, 'charge.refunded', refundedCharge(10000, { donationId: donation.id, amount: 10000 }));
    const email = await render(await outboxRow('receipt-void'));
    expect(email.subject).toBe('Your receipt No. 2026-000001 from Harbor City News is void');
    for (const part of [email.html, email.text]) {
      expect(part).toMatch(/Receipt No\. 2026-000001 is void/i);
      expect(part).toContain('in full ($100.00 refunded)');
      expect(part).toContain('do not use it for your tax records');
    }
    expect(email.attachments).toEqual([]);
  });
});
