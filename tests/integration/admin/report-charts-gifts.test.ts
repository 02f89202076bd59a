import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonor, buildPaidDonation } from '../../support/factories';
import { chartBars, csvRows, tableRow } from './report-charts-support';
import { signedInStaff } from './support';

const MARCH = 'from=2025-03-01&to=2025-03-31';

describe('staff console: gift sizes and top sources', () => {
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

  const get = (path: string) => request(t.app).get(path).set('Cookie', cookie);
  const page = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return res.text;
  };

  async function gift(amount: number, paidAt: string, extra: Record<string, unknown> = {}, donorId?: string) {
    const donor = donorId ?? (await buildDonor(t.db)).id;
    return buildPaidDonation(t.db, { donor_id: donor, amount, paid_at: new Date(paidAt), ...extra });
  }

  describe('GET /admin/reports/gifts-by-size', () => {
    async function seedSizes() {
      // One-time, each at what it gave: $5, $10, $24.99, $25, $100 less $40 refunded, $1,000.
      const returning = await buildDonor(t.db, { name: 'Rita Returning' });
      await gift(2000, '2024-12-05T16:00:00Z', {}, returning.id);
      await gift(500, '2025-03-02T16:00:00Z', {}, returning.id);
      await gift(1000, '2025-03-03T16:00:00Z');
      await gift(2499, '2025-03-04T16:00:00Z');
      await gift(2500, '2025-03-05T16:00:00Z');
      await gift(10_000, '2025-03-06T16:00:00Z', { status: 'partially_refunded', amount_refunded: 4000 });
      await gift(100_000, '2025-03-07T16:00:00Z');
      // Membership payments: $10, $10, $15.
      for (const amount of [1000, 1000, 1500]) await gift(amount, '2025-03-08T16:00:00Z', { frequency: 'monthly' });
      // Not counted: refunded in full, outside the period (23:30 on 31 March in New York is in; 00:30 on 1 April is out).
      await gift(7000, '2025-03-09T16:00:00Z', { status: 'refunded', amount_refunded: 7000 });
      await gift(1200, '2025-04-01T04:30:00Z');
    }

    it('counts gifts in each size band, one-time and recurring apart, with the chart drawing the same', async () => {
      await seedSizes();
      const html = await page(`/admin/reports/gifts-by-size?${MARCH}`);
      expect(tableRow(html, 'size', 'Under $10')).toEqual({ one_time: '1', one_time_given: '$5.00', recurring: '0', recurring_given: '$0.00', all: '1' });
      expect(tableRow(html, 'size', '$10–$24.99')).toEqual({ one_time: '2', one_time_given: '$34.99', recurring: '3', recurring_given: '$35.00', all: '5' });
      expect(tableRow(html, 'size', '$25–$49.99')).toMatchObject({ one_time: '1', all: '1' });
      expect(tableRow(html, 'size', '$50–$99.99')).toMatchObject({ one_time: '1', one_time_given: '$60.00' });
      expect(tableRow(html, 'size', '$100–$249.99')).toMatchObject({ all: '0' });
      expect(tableRow(html, 'size', '$1,000 or more')).toMatchObject({ one_time: '1', one_time_given: '$1,000.00' });
      const bars = chartBars(html, 'gift-size-chart');
      expect(bars).toHaveLength(16);
      expect(bars.filter((b) => b.category === '$10–$24').map((b) => [b.series, b.value])).toEqual([['One-time', 2], ['Recurring', 3]]);
    });

    it('gives the average and the median (halfway between the middle two when even)', async () => {
      await seedSizes();
      const html = await page(`/admin/reports/gifts-by-size?${MARCH}`);
      // One-time: 5 + 10 + 24.99 + 25 + 60 + 1000 = 1124.99 over 6 = 187.498…; median (24.99 + 25) / 2 = 24.995, to the cent $25.00.
      expect(tableRow(html, 'kind', 'One-time gifts')).toEqual({ gifts: '6', given: '$1,124.99', average: '$187.50', median: '$25.00' });
      expect(tableRow(html, 'kind', 'Membership payments')).toEqual({ gifts: '3', given: '$35.00', average: '$11.67', median: '$10.00' });
      expect(tableRow(html, 'kind', 'All gifts')).toEqual({ gifts: '9', given: '$1,159.99', average: '$128.89', median: '$15.00' });
    });

    it('tells first-time donors (first kept gift ever in the period) from returning ones', async () => {
      await seedSizes();
      const html = await page(`/admin/reports/gifts-by-size?${MARCH}`);
      expect(tableRow(html, 'donors', 'first-time')).toEqual({ donors: '8', gifts: '8', given: '$1,154.99' });
      expect(tableRow(html, 'donors', 'returning')).toEqual({ donors: '1', gifts: '1', given: '$5.00' });
    });

    it('downloads the size table as CSV', async () => {
      await seedSizes();
      const rows = csvRows(await get(`/admin/reports/gifts-by-size?${MARCH}&format=csv`));
      expect(rows[0]).toEqual(['Size', 'One-time gifts', 'One-time given (USD)', 'Membership payments', 'Membership payments given (USD)', 'All gifts']);
      expect(rows).toHaveLength(9);
      expect(rows[2]).toEqual(['$10–$24.99', '2', '34.99', '3', '35.00', '5']);
      const [entry] = await t.db('audit_log').where({ action: 'report.exported' }).select('detail');
      expect(entry.detail).toEqual({ report: 'gifts-by-size', filters: { from: '2025-03-01', to: '2025-03-31' }, rows: 8 });
    });

    it('shows an empty period as zeros and dashes', async () => {
      const html = await page(`/admin/reports/gifts-by-size?${MARCH}`);
      expect(tableRow(html, 'kind', 'All gifts')).toEqual({ gifts: '0', given: '$0.00', average: '—', median: '—' });
      expect(chartBars(html, 'gift-size-chart').every((b) => b.height === 0)).toBe(true);
    });
  });

  describe('GET /admin/reports/sources', () => {
    async function seedSources() {
      const story = { article_url: 'https://news.example.org/rent', article_title: 'Where the rent goes' };
      const donor = await buildDonor(t.db);
      await gift(5000, '2025-03-03T16:00:00Z', { ...story, campaign: 'spring', utm_source: 'newsletter', utm_campaign: 'march-letter' }, donor.id);
      await gift(2500, '2025-03-04T16:00:00Z', { ...story, utm_source: 'newsletter' }, donor.id);
      await gift(10_000, '2025-03-05T16:00:00Z', { article_url: 'https://news.example.org/schools', campaign: 'spring', status: 'partially_refunded', amount_refunded: 1000 });
      await gift(1000, '2025-03-06T16:00:00Z', { utm_source: '<script>x</script>' });
      await gift(700, '2025-03-07T16:00:00Z');
      await gift(9900, '2025-03-07T16:00:00Z', { ...story, status: 'refunded', amount_refunded: 9900 });
    }

    it('ranks stories by revenue, with gifts and donors, and the totals', async () => {
      await seedSources();
      const html = await page(`/admin/reports/sources?${MARCH}`);
      expect([...html.matchAll(/<tr data-row="([^"]+)">/g)].map((m) => m[1])).toEqual(['https://news.example.org/schools', 'https://news.example.org/rent', 'totals', 'everything']);
      expect(tableRow(html, 'row', 'https://news.example.org/rent')).toEqual({ revenue: '$75.00', gifts: '2', donors: '1' });
      expect(tableRow(html, 'row', 'totals')).toEqual({ revenue: '$165.00', gifts: '3', donors: '2' });
      expect(tableRow(html, 'row', 'everything')).toEqual({ revenue: '$182.00', gifts: '5', donors: '4' });
      expect(html).toContain('Where the rent goes');
      const bars = chartBars(html, 'sources-chart');
      expect(bars.map((b) => [b.category, b.value])).toEqual([['https://news.example.org/schools', 9000], ['Where the rent goes', 7500]]);
      expect(html).toContain('aria-current="page">Stories</a>');
    });

    it('groups by campaign, UTM source and UTM campaign, escaping what links carried', async () => {
      await seedSources();
      expect(tableRow(await page(`/admin/reports/sources?by=campaign&${MARCH}`), 'row', 'spring')).toEqual({ revenue: '$140.00', gifts: '2', donors: '2' });
      const utm = await page(`/admin/reports/sources?by=utm_source&${MARCH}`);
      expect(tableRow(utm, 'row', 'newsletter')).toEqual({ revenue: '$75.00', gifts: '2', donors: '1' });
      expect(utm).not.toContain('<script>x');
      expect(utm).toContain('&lt;script&gt;x&lt;/script&gt;');
      expect(tableRow(await page(`/admin/reports/sources?by=utm_campaign&${MARCH}`), 'row', 'march-letter')).toEqual({ revenue: '$50.00', gifts: '1', donors: '1' });
    });

    it('downloads every source as CSV, a formula in a UTM tag neutralised', async () => {
      await seedSources();
      await gift(300, '2025-03-08T16:00:00Z', { utm_source: '=HYPERLINK("http://evil.example")' });
      const rows = csvRows(await get(`/admin/reports/sources?by=utm_source&${MARCH}&format=csv`));
      expect(rows).toEqual([
        ['UTM source', 'Revenue (USD)', 'Gifts', 'Donors'],
        ['newsletter', '75.00', '2', '1'],
        ['<script>x</script>', '10.00', '1', '1'],
        [`'=HYPERLINK("http://evil.example")`, '3.00', '1', '1'],
      ]);
      const story = csvRows(await get(`/admin/reports/sources?${MARCH}&format=csv`));
      expect(story[0]).toEqual(['Story URL', 'Headline', 'Revenue (USD)', 'Gifts', 'Donors']);
      expect(story[2]).toEqual(['https://news.example.org/rent', 'Where the rent goes', '75.00', '2', '1']);
    });

    it('answers 422 naming the field for an unknown dimension or a bad period', async () => {
      for (const [query, field] of [['by=donor', 'by'], ['from=2025-02-30', 'from'], ['from=2025-03-10&to=2025-03-01', 'from must be on or before to']] as const) {
        const res = await get(`/admin/reports/sources?${query}`);
        expect(res.status).toBe(422);
        expect(res.text).toContain(field);
      }
      expect((await get('/admin/reports/gifts-by-size?to=soon')).text).toContain('to: must be a date');
    });
  });

  it('lists UTM-tagged gifts among the dashboard’s top sources', async () => {
    await gift(4000, new Date(Date.now() - 2 * 86_400_000).toISOString(), { utm_source: 'newsletter', utm_campaign: 'june' });
    await gift(1000, new Date(Date.now() - 3 * 86_400_000).toISOString(), { utm_source: 'facebook' });
    const html = await page('/admin');
    expect(html).toMatch(/Top sources[\s\S]*?newsletter \/ june<\/td><td class="num">1<\/td><td class="num">\$40\.00[\s\S]*?facebook<\/td>/);
  });
});
