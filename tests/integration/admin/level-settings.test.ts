import request from 'supertest';
import { readSettings } from '../../../src/settings/settings';
import { bootTestApp, type TestApp } from '../../support/app';
import { SAME_ORIGIN, seedDonor, signedInStaff } from './support';

describe('membership levels in /admin/settings/levels', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    ({ cookie } = await signedInStaff(t, 'admin'));
  });
  afterAll(() => t.close());

  const save = (rows: [string, string][]) =>
    request(t.app)
      .post('/admin/settings/levels')
      .set(SAME_ORIGIN)
      .set('Cookie', cookie)
      .type('form')
      .send(rows.map(([name, min]) => `level_name=${encodeURIComponent(name)}&level_min=${encodeURIComponent(min)}`).join('&'));

  it('shows the default levels: Supporter, Member from 60, Sustainer from 120, Leadership Circle from 1,000', async () => {
    const page = await request(t.app).get('/admin/settings/levels').set('Cookie', cookie);
    expect(page.status).toBe(200);
    const filled = [...page.text.matchAll(/name="level_(name|min)" value="([^"]*)"/g)].map((m) => m[2]).filter(Boolean);
    expect(filled).toEqual(['Supporter', '0', 'Member', '60', 'Sustainer', '120', 'Leadership Circle', '1000']);
  });

  it('saves new levels, used at once for donors\' levels, and records the change with before and after', async () => {
    await seedDonor(t, { email: 'fan@example.com', name: 'Fran Fan' }, [{ amount: 6000, daysAgo: 3 }]);
    const res = await save([['Reader', '0'], ['Champion', '50'], ['', ''], ['Patron', '2,500.00']]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Levels saved');
    expect((await readSettings(t.db)).membership_levels).toEqual([
      { name: 'Reader', min_yearly: 0 },
      { name: 'Champion', min_yearly: 5_000 },
      { name: 'Patron', min_yearly: 250_000 },
    ]);
    const list = await request(t.app).get('/admin/donors').set('Cookie', cookie);
    expect(list.text).toContain('<td data-level data-label="Level">Champion</td>');

    const [entry] = await t.db('audit_log').where({ action: 'settings.changed' });
    expect(entry).toMatchObject({ subject_type: 'settings', subject_id: 'membership_levels' });
    expect(entry.detail.before[1]).toEqual({ name: 'Member', min_yearly: 6_000 });
    expect(entry.detail.after[1]).toEqual({ name: 'Champion', min_yearly: 5_000 });
  });

  it.each([
    ['a first level above 0', [['Friend', '10'], ['Member', '60']], 'Level 1: the first level starts at 0'],
    ['levels that do not rise', [['Friend', '0'], ['Member', '120'], ['Sustainer', '60']], 'Level 3: each level must start above the one before it'],
    ['a name used twice', [['Friend', '0'], ['friend', '60']], 'Level 2: &#34;friend&#34; is used twice'],
    ['an amount without a name', [['Friend', '0'], ['', '60']], 'Level 2: enter a name'],
    ['an amount that is not money', [['Friend', '0'], ['Member', 'sixty']], 'Level 2: enter a yearly amount'],
    ['no levels at all', [['', '']], 'Give at least one level'],
    ['a control character in a name', [['Friend\u0000', '0']], 'Level 1: use letters, numbers and punctuation only'],
  ] as [string, [string, string][], string][])('answers 422 for %s, naming the row, and saves nothing', async (_case, rows, message) => {
    const res = await save(rows);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(await t.db('settings').where({ key: 'membership_levels' })).toHaveLength(0);
    expect(await t.db('audit_log').where({ action: 'settings.changed' })).toHaveLength(0);
  });
});
