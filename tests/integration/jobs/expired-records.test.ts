import { expiredRecordsJob } from '../../../src/jobs/expired-records-job';
import { createLogger } from '../../../src/lib/logger';
import { defaultSettings } from '../../../src/settings/settings';
import { buildDonor } from '../../support/factories';
import { bootTestApp, type TestApp } from '../../support/app';

const HOUR_MS = 3_600_000;

describe('the expired-records job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('deletes expired sessions, sign-in links a day past expiry and stale rate-limit windows, and keeps the rest', async () => {
    const now = new Date();
    const at = (hoursFromNow: number) => new Date(now.getTime() + hoursFromNow * HOUR_MS);
    const donor = await buildDonor(t.db, { email: 'kept@example.com' });
    await t.db('sessions').insert([
      { token_hash: 'expired', kind: 'donor', donor_id: donor.id, expires_at: at(-1) },
      { token_hash: 'live', kind: 'donor', donor_id: donor.id, expires_at: at(1) },
    ]);
    await t.db('login_tokens').insert([
      { donor_id: donor.id, token_hash: 'old-link', expires_at: at(-25) },
      { donor_id: donor.id, token_hash: 'recent-link', expires_at: at(-1) },
    ]);
    await t.db('rate_limits').insert([
      { key: 'stale', window_start: at(-25), count: 3 },
      { key: 'current', window_start: at(-0.1), count: 3 },
    ]);

    await expiredRecordsJob.run(t.db, now, defaultSettings(), createLogger('silent'));

    expect(await t.db('sessions').pluck('token_hash')).toEqual(['live']);
    expect(await t.db('login_tokens').pluck('token_hash')).toEqual(['recent-link']);
    expect(await t.db('rate_limits').pluck('key')).toEqual(['current']);
  });
});
