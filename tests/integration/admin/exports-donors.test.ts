import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildDonation, buildDonor, buildMembership } from '../../support/factories';
import { DAY_MS, daysAgo, download, exportAudit, ZONE } from './export-support';
import { signedInStaff } from './support';

const dateIn = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

describe('GET /admin/exports/donors.csv', () => {
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

  const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
  const period = `from=${daysAgo(29)}&to=${daysAgo(0)}`;
  const paid = (donor: string, amount: number, days: number, extra: Record<string, unknown> = {}) =>
    buildDonation(t.db, { donor_id: donor, status: 'succeeded', amount, amount_paid: amount, paid_at: ago(days), ...extra });

  async function seedDonors() {
    const ada = await buildDonor(t.db, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { line1: '1 Main Street', line2: 'Apt 2', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' },
    });
    await paid(ada.id, 5000, 100, { article_url: 'https://news.example.org/rent', article_title: 'Where the rent goes', campaign: 'spring-drive' });
    await paid(ada.id, 2500, 10, { anonymous: true });
    await paid(ada.id, 1000, 5, { status: 'partially_refunded', amount_refunded: 200 });
    await buildMembership(t.db, { donor_id: ada.id, status: 'canceled', amount: 500, interval: 'month', created_at: ago(50) });
    await buildMembership(t.db, { donor_id: ada.id, status: 'active', amount: 1000, interval: 'month', created_at: ago(400) });
    const bob = await buildDonor(t.db, { email: 'bob@example.com' });
    await paid(bob.id, 4000, 45);
    const cara = await buildDonor(t.db, { name: 'Cara Diaz', email: 'cara@example.com' });
    await paid(cara.id, 1500, 3, { frequency: 'monthly' });
    await buildMembership(t.db, { donor_id: cara.id, status: 'past_due', amount: 1500, interval: 'month' });
    await buildDonor(t.db, { name: 'Dee Never', email: 'dee@example.com' });
    return { ada, bob, cara };
  }

  it('lists each donor who gave in the period with address, giving, level, membership and first story', async () => {
    const { ada } = await seedDonors();
    const file = await download(t, cookie, `/admin/exports/donors.csv?${period}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="donors-${daysAgo(29)}-to-${daysAgo(0)}.csv"`);
    expect(file.rows.map((r) => r.email)).toEqual(['ada@example.com', 'cara@example.com']);
    expect(file.rows[0]).toEqual({
      donor_id: ada.id,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address_line1: '1 Main Street',
      address_line2: 'Apt 2',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
      anonymous: 'yes',
      currency: 'USD',
      first_gift_date: dateIn(ago(100)),
      first_gift_amount: '50.00',
      last_gift_date: dateIn(ago(5)),
      last_gift_amount: '8.00',
      lifetime_total: '83.00',
      period_total: '33.00',
      period_gifts: '2',
      // Yearly giving is the larger of 83.00 given and 120.00 a year committed: Sustainer from 120.00.
      level: 'Sustainer',
      membership_status: 'active',
      membership_currency: 'USD',
      membership_amount: '10.00',
      membership_interval: 'month',
      first_gift_article_url: 'https://news.example.org/rent',
      first_gift_article_title: 'Where the rent goes',
      first_gift_campaign: 'spring-drive',
    });
    expect(file.rows[1]).toMatchObject({ anonymous: 'no', membership_status: 'past_due', level: 'Sustainer', period_gifts: '1', address_line1: '' });
  });

  it('names the same level and lifetime as the donors list does', async () => {
    await seedDonors();
    const file = await download(t, cookie, `/admin/exports/donors.csv?${period}&who=all`);
    const list = await request(t.app).get('/admin/donors').set('Cookie', cookie);
    for (const row of file.rows) {
      const shown = new RegExp(`<tr data-donor="${row.donor_id}">([\\s\\S]*?)</tr>`).exec(list.text)![1]!;
      expect(/data-level data-label="Level">([^<]*)</.exec(shown)![1]).toBe(row.level);
      expect(shown).toContain(`$${row.lifetime_total}`);
    }
  });

  it('takes the donors list’s filters (search, level, membership) and can include everyone they match', async () => {
    await seedDonors();
    const emails = async (query: string) => (await download(t, cookie, `/admin/exports/donors.csv?${period}&${query}`)).rows.map((r) => r.email);
    // By name (the email where there is none), as the list sorts by name.
    expect(await emails('who=all')).toEqual(['ada@example.com', 'bob@example.com', 'cara@example.com', 'dee@example.com']);
    expect(await emails('who=all&q=DIAZ')).toEqual(['cara@example.com']);
    expect(await emails('membership=past_due')).toEqual(['cara@example.com']);
    expect(await emails('who=all&membership=none')).toEqual(['bob@example.com', 'dee@example.com']);
    expect(await emails('who=all&level=Supporter')).toEqual(['bob@example.com', 'dee@example.com']);
    // A search is text, never SQL.
    expect(await emails(`who=all&q=${encodeURIComponent("x' or '1'='1")}`)).toEqual([]);
    expect(await emails(`who=all&q=${encodeURIComponent('%')}`)).toEqual([]);
    const bob = (await download(t, cookie, `/admin/exports/donors.csv?${period}&who=all&q=bob`)).rows[0]!;
    expect(bob).toMatchObject({ name: '', period_total: '0.00', period_gifts: '0', last_gift_amount: '40.00', membership_status: '' });
  });

  it('answers 400 naming the field for a level that does not exist or a bad group, and writes nothing', async () => {
    for (const [query, field] of [['level=Platinum', 'level'], ['who=some', 'who'], ['membership=gold', 'membership']]) {
      const res = await request(t.app).get(`/admin/exports/donors.csv?${query}`).set('Cookie', cookie).set('Accept', 'application/json');
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(`${field}:`);
    }
    expect(await exportAudit(t)).toEqual([]);
  });
});
