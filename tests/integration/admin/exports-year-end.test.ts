import request from 'supertest';
import { renderStatementPdf } from '../../../src/receipts/statement-pdf';
import { issueYearEndStatements } from '../../../src/receipts/year-end-statements';
import { loadCurrentStatementView, loadStatementView } from '../../../src/receipts/year-end-view';
import { SettingsCache } from '../../../src/settings/settings';
import { bootTestApp, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { deliver, pdfText, pendingDonation, refundedCharge } from '../receipts/support';
import { download, exportAudit, minor } from './export-support';
import { signedInStaff } from './support';

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
/** Minor units from "$115.00". */
const shownMinor = (text: string) => Math.round(Number(text.replace(/[$,]/g, '')) * 100);

describe('GET /admin/exports/year-end.csv', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ cookie } = await signedInStaff(t, 'finance'));
  });
  afterAll(() => t.close());

  let gifts = 0;
  /** A paid gift through the real webhook path, which issues its receipt. */
  async function paidGift(email: string, amount: number, paidAt: string, extra: Record<string, unknown> = {}) {
    gifts += 1;
    const donation = await pendingDonation(t, { amount, ...extra });
    const paymentIntent = `pi_export_${gifts}`;
    await deliver(
      t,
      'checkout.session.completed',
      checkoutSession({
        id: donation.sessionId,
        donationId: donation.id,
        amount_total: amount,
        payment_intent: paymentIntent,
        customer: `cus_${email.split('@')[0]}`,
        customer_details: { ...checkoutSession().customer_details!, email, name: email.split('@')[0]! },
      }),
      { created: at(paidAt) },
    );
    return { ...donation, paymentIntent };
  }

  async function refund(gift: { id: string; paymentIntent: string }, amountRefunded: number, total: number) {
    await deliver(t, 'charge.refunded', refundedCharge(amountRefunded, { id: `ch_${gift.paymentIntent}`, amount: total, payment_intent: gift.paymentIntent, donationId: gift.id }));
  }

  async function givingYear() {
    await paidGift('ada@example.com', 2500, '2026-02-10T15:00:00Z');
    // A gift that bought a tote bag worth 30.00, then refunded 20.00 of it: 80.00 given, 50.00 deductible.
    const tote = await paidGift('ada@example.com', 10_000, '2026-06-01T15:00:00Z', { goods_value: 3000, goods_description: 'a tote bag' });
    const refunded = await paidGift('ada@example.com', 5000, '2026-09-09T15:00:00Z');
    await paidGift('ada@example.com', 7000, '2025-12-31T12:00:00Z'); // last year
    await refund(refunded, 5000, 5000);
    await refund(tote, 2000, 10_000);
    await paidGift('grace@example.com', 1500, '2026-03-03T15:00:00Z');
  }

  it('gives each donor’s year as their statement states it: total, goods and services, deductible total', async () => {
    await givingYear();
    const file = await download(t, cookie, '/admin/exports/year-end.csv?year=2026');
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="year-end-2026.csv"');
    expect(file.columns).toEqual([
      'donor_id', 'name', 'email', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country', 'year', 'currency', 'gifts',
      'total', 'goods_value', 'deductible_total', 'statement_issued', 'statement_deductible_total',
    ]);
    expect(file.rows.map((r) => [r.email, r.gifts, r.total, r.goods_value, r.deductible_total])).toEqual([
      ['ada@example.com', '2', '105.00', '30.00', '75.00'],
      ['grace@example.com', '1', '15.00', '0.00', '15.00'],
    ]);

    // The statement the donor can download today says the same.
    const settings = await new SettingsCache(t.db).get();
    for (const row of file.rows) {
      const view = (await loadCurrentStatementView(t.db, row.donor_id!, 2026, settings))!;
      expect({ email: row.email, total: shownMinor(view.total), deductible: shownMinor(view.deductibleTotal) }).toEqual({
        email: row.email,
        total: minor(row.total),
        deductible: minor(row.deductible_total),
      });
    }
  });

  it('shows an issued statement’s own figures beside today’s, and they match its PDF', async () => {
    await givingYear();
    await issueYearEndStatements(t.db, 2026);
    const file = await download(t, cookie, '/admin/exports/year-end.csv?year=2026');
    const ada = file.rows.find((r) => r.email === 'ada@example.com')!;
    expect(ada.statement_issued).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ada.statement_deductible_total).toBe(ada.deductible_total);

    const statement = await t.db('year_end_statements').where({ donor_id: ada.donor_id, year: 2026 }).first();
    const view = await loadStatementView(t.db, statement.id, await new SettingsCache(t.db).get());
    expect(shownMinor(view.deductibleTotal)).toBe(minor(ada.deductible_total));
    const pdf = pdfText(await renderStatementPdf(view, { compress: false }));
    expect(pdf).toContain(`$${ada.deductible_total}`);
    expect(pdf).toContain(`$${ada.total}`);
  });

  it('records the year in the audit log', async () => {
    await givingYear();
    await download(t, cookie, '/admin/exports/year-end.csv?year=2026&bom=1');
    expect(await exportAudit(t)).toMatchObject([{ action: 'export.downloaded', subject_id: 'year-end.csv', detail: { rows: 2, filters: { year: 2026 } } }]);
  });

  it.each(['', 'year=', 'year=twenty', 'year=1899', 'year=2026.5'])('answers 400 naming the year for "%s"', async (query) => {
    const res = await request(t.app).get(`/admin/exports/year-end.csv?${query}`).set('Cookie', cookie).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('year:');
    expect(await exportAudit(t)).toEqual([]);
  });
});
