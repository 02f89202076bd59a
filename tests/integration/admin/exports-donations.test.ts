import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonation, buildDonor, buildMembership } from '../../support/factories';
import { DAY_MS, daysAgo, download, exportAudit, minor, ZONE } from './export-support';
import { signedInStaff } from './support';

/** Minor units from a figure the console shows ("$1,234.50"). */
const shownMinor = (text: string) => Math.round(Number(text.replace(/[$,]/g, '')) * 100);

describe('GET /admin/exports/donations.csv', () => {
  let t: TestApp;
  let cookie: string;
  let staffId: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const signedIn = await signedInStaff(t, 'finance');
    cookie = signedIn.cookie;
    staffId = signedIn.staff.id;
  });
  afterAll(() => t.close());

  const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
  const period = `from=${daysAgo(29)}&to=${daysAgo(0)}`;

  /** A month of giving: kept, refunded, failed, disputed, a renewal, a gift before the period, an unfinished checkout. */
  async function seedMonth() {
    const ada = await buildDonor(t.db, { name: 'Ada Lovelace', email: 'ada@example.com', stripe_customer_id: 'cus_ada' });
    const bob = await buildDonor(t.db, { name: 'Bob Brown', email: 'bob@example.com' });
    const paid = (donor: string, amount: number, days: number, extra: Record<string, unknown> = {}) =>
      buildDonation(t.db, { donor_id: donor, status: 'succeeded', amount, amount_paid: amount, paid_at: ago(days), campaign: 'spring-drive', ...extra });
    const adaGift = await paid(ada.id, 2600, 5, {
      fee_covered: true,
      fee_amount: 100,
      article_url: 'https://news.example.org/rent',
      article_title: 'Where the rent goes',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'footer',
      stripe_checkout_session_id: 'cs_ada',
      stripe_payment_intent_id: 'pi_ada',
      stripe_charge_id: 'ch_ada',
      card_brand: 'visa',
    });
    await t.db('receipts').insert({
      number: '2026-000042', year: 2026, sequence: 42, kind: 'donation', donation_id: adaGift.id, donor_id: ada.id, currency: 'usd',
      amount: 2600, deductible_amount: 2600, contributed_at: ago(5),
    });
    await paid(bob.id, 10_000, 12, { status: 'partially_refunded', amount_refunded: 4000, stripe_charge_id: 'ch_bob' });
    // The card is known only from the charge event (stripe_charges), not yet copied onto the donation.
    await t.db('stripe_charges').insert({ id: 'ch_bob', currency: 'usd', amount: 10_000, amount_refunded: 4000, card_brand: 'amex', created: ago(12) });
    await paid(bob.id, 9900, 3, { status: 'refunded', amount_refunded: 9900 });
    await buildDonation(t.db, { donor_id: bob.id, status: 'failed', amount: 500, failed_at: ago(3), campaign: 'spring-drive' });
    await paid(bob.id, 3000, 4, { status: 'disputed' });
    await paid(ada.id, 5000, 45); // before the period
    await buildDonation(t.db, { donor_id: bob.id, status: 'pending', amount: 700 }); // a checkout never finished
    const membership = await buildMembership(t.db, { donor_id: ada.id, status: 'active', stripe_subscription_id: 'sub_ada', amount: 1000 });
    await paid(ada.id, 1000, 2, { frequency: 'monthly', membership_id: membership.id, stripe_invoice_id: 'in_ada' });
    return { ada, bob, adaGift };
  }

  it('lists each payment of the period with its donor, money, receipt, card, attribution and Stripe ids', async () => {
    const { ada, adaGift } = await seedMonth();
    const file = await download(t, cookie, `/admin/exports/donations.csv?${period}`);
    expect(file.status).toBe(200);
    expect(file.columns).toEqual([
      'donation_id', 'date', 'time', 'donor_id', 'donor_name', 'donor_email', 'currency', 'amount', 'fee_covered', 'refunded', 'net', 'status',
      'frequency', 'receipt_number', 'card_brand', 'article_url', 'article_title', 'campaign', 'utm_source', 'utm_medium', 'utm_campaign',
      'utm_content', 'stripe_checkout_session_id', 'stripe_payment_intent_id', 'stripe_invoice_id', 'stripe_charge_id', 'stripe_customer_id',
      'stripe_subscription_id',
    ]);
    // Oldest first; the gift before the period and the unfinished checkout are not payments of it.
    expect(file.rows.map((r) => [r.amount, r.status])).toEqual([
      ['100.00', 'partially_refunded'],
      ['26.00', 'succeeded'],
      ['30.00', 'disputed'],
      ['99.00', 'refunded'],
      ['5.00', 'failed'],
      ['10.00', 'succeeded'],
    ]);
    // Date and time of the payment in the organisation's zone.
    const paidAt = adaGift.paid_at as Date;
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(paidAt);
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(paidAt);
    expect(file.rows[1]).toEqual({
      donation_id: adaGift.id,
      date,
      time,
      donor_id: ada.id,
      donor_name: 'Ada Lovelace',
      donor_email: 'ada@example.com',
      currency: 'USD',
      amount: '26.00',
      fee_covered: '1.00',
      refunded: '0.00',
      net: '26.00',
      status: 'succeeded',
      frequency: 'once',
      receipt_number: '2026-000042',
      card_brand: 'visa',
      article_url: 'https://news.example.org/rent',
      article_title: 'Where the rent goes',
      campaign: 'spring-drive',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'footer',
      stripe_checkout_session_id: 'cs_ada',
      stripe_payment_intent_id: 'pi_ada',
      stripe_invoice_id: '',
      stripe_charge_id: 'ch_ada',
      stripe_customer_id: 'cus_ada',
      stripe_subscription_id: '',
    });
    const [partial, , disputed, refunded, failed, renewal] = [file.rows[0]!, file.rows[1]!, file.rows[2]!, file.rows[3]!, file.rows[4]!, file.rows[5]!];
    expect([partial.refunded, partial.net, partial.card_brand]).toEqual(['40.00', '60.00', 'amex']);
    expect([refunded.refunded, refunded.net, disputed.net, failed.net]).toEqual(['99.00', '0.00', '0.00', '0.00']);
    expect([renewal.frequency, renewal.stripe_invoice_id, renewal.stripe_subscription_id]).toEqual(['monthly', 'in_ada', 'sub_ada']);
  });

  it('adds up, net of refunds, to what the dashboard and the revenue report say was raised in the period', async () => {
    await seedMonth();
    const file = await download(t, cookie, `/admin/exports/donations.csv?${period}`);
    const net = file.rows.filter((r) => r.currency === 'USD').reduce((sum, r) => sum + minor(r.net), 0);
    expect(net).toBe(2600 + 6000 + 1000);

    const dashboard = await request(t.app).get('/admin').set('Cookie', cookie);
    const raised = /data-figure="raised">([^<]+)</.exec(dashboard.text)![1]!;
    expect(shownMinor(raised)).toBe(net);

    const report = await request(t.app).get(`/admin/reports/campaigns?${period}`).set('Cookie', cookie);
    const totals = /<tr data-row="totals">([\s\S]*?)<\/tr>/.exec(report.text)![1]!;
    const revenue = /data-col="revenue">([^<]*)</.exec(totals)![1]!;
    expect(shownMinor(revenue)).toBe(net);
  });

  it('filters by status, frequency and campaign', async () => {
    await seedMonth();
    await buildDonation(t.db, { status: 'succeeded', amount: 1234, amount_paid: 1234, paid_at: ago(1), campaign: 'year-end' });
    const only = async (query: string) => (await download(t, cookie, `/admin/exports/donations.csv?${period}&${query}`)).rows.map((r) => r.amount);
    expect(await only('status=failed')).toEqual(['5.00']);
    expect(await only('frequency=monthly')).toEqual(['10.00']);
    expect(await only('campaign=year-end')).toEqual(['12.34']);
    // As the form sends them: empty fields are no filter; campaigns are matched as the lower-case slugs they are stored as.
    expect(await only('status=&frequency=&campaign=')).toHaveLength(7);
    expect(await only('campaign=Year-End')).toEqual(['12.34']);
  });

  it('writes RFC 4180 (commas, quotes and line breaks quoted) and neutralises cells a spreadsheet would run as formulas', async () => {
    const donor = await buildDonor(t.db, { name: '=HYPERLINK("http://evil.example","click")', email: 'mallory@example.com' });
    await buildDonation(t.db, {
      donor_id: donor.id, status: 'succeeded', amount: 500, amount_paid: 500, paid_at: ago(1),
      article_title: 'Budget, "final" edition\nand more', utm_source: '+1 (555)', utm_medium: '@sum', utm_content: '-2+3',
    });
    const file = await download(t, cookie, `/admin/exports/donations.csv?${period}`);
    const text = file.bytes.toString('utf8');
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    expect(text).toContain('"Budget, ""final"" edition\nand more"');
    const row = file.rows[0]!;
    expect(row.donor_name).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(row.article_title).toBe('Budget, "final" edition\nand more');
    expect([row.utm_source, row.utm_medium, row.utm_content]).toEqual(["'+1 (555)", "'@sum", "'-2+3"]);
    // Our own numbers are left as numbers.
    expect(row.amount).toBe('5.00');
  });

  it('answers a CSV attachment named for its period, never cached, with the byte-order mark only when asked', async () => {
    await seedMonth();
    const plain = await download(t, cookie, `/admin/exports/donations.csv?${period}`);
    expect(plain.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(plain.headers['content-disposition']).toBe(`attachment; filename="donations-${daysAgo(29)}-to-${daysAgo(0)}.csv"`);
    expect(plain.headers['cache-control']).toBe('no-store');
    expect(plain.bytes.subarray(0, 11).toString()).toBe('donation_id');
    const excel = await download(t, cookie, `/admin/exports/donations.csv?${period}&bom=1`);
    expect([...excel.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.bytes.subarray(3)).toEqual(plain.bytes);
    // Records end in CRLF (RFC 4180); the parser agrees on the rows.
    expect(plain.bytes.toString().split('\r\n')).toHaveLength(plain.rows.length + 2);
  });

  it('records each download in the audit log: who, which file, its filters and how many rows', async () => {
    await seedMonth();
    await download(t, cookie, `/admin/exports/donations.csv?${period}&status=failed`);
    expect(await exportAudit(t)).toEqual([
      {
        admin_user_id: staffId,
        action: 'export.downloaded',
        subject_id: 'donations.csv',
        detail: { filters: { from: daysAgo(29), to: daysAgo(0), status: 'failed', frequency: '', campaign: '' }, rows: 1 },
      },
    ]);
    const log = await request(t.app).get('/admin/audit').set('Cookie', (await signedInStaff(t, 'admin')).cookie);
    expect(log.text).toContain('Downloaded export');
    expect(log.text).toContain('donations.csv, 1 row');
  });

  it.each([
    ['from=2026-02-30', 'from'],
    ['to=yesterday', 'to'],
    [`from=${daysAgo(0)}&to=${daysAgo(3)}`, 'from'],
    ['status=abandoned', 'status'],
    ['frequency=weekly', 'frequency'],
    ['bom=yes', 'bom'],
  ])('answers 400 naming the field for %s, and writes nothing', async (query, field) => {
    const res = await request(t.app).get(`/admin/exports/donations.csv?${query}`).set('Cookie', cookie).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body.error.message).toMatch(new RegExp(`\\(${field}[: ]`));
    expect(await exportAudit(t)).toEqual([]);
  });

  it.each(['staff', 'newsroom'] as const)('refuses the %s role with 403, and writes nothing', async (role) => {
    await seedMonth();
    const other = await signedInStaff(t, role);
    for (const file of ['donations.csv', 'donors.csv', 'memberships.csv', 'year-end.csv?year=2026']) {
      const res = await request(t.app).get(`/admin/exports/${file}`).set('Cookie', other.cookie);
      expect({ file, status: res.status }).toEqual({ file, status: 403 });
      expect(res.text).not.toContain('ada@example.com');
    }
    expect((await request(t.app).get('/admin/exports').set('Cookie', other.cookie)).status).toBe(403);
    expect(await exportAudit(t)).toEqual([]);
  });
});
