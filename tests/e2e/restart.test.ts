import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { becomeMonthlyMember, postForm, startApp, until, type RunningApp } from './run-app';

/**
 * `npm start` stopped and started again on the same data folder: the embedded
 * database keeps the memberships, and the emulator keeps the subscriptions
 * they name, so a member can still change their giving and renewals go on.
 * (Before the emulator kept its objects, every membership action answered 502
 * after a restart, and renewals stopped.)
 */
describe('npm start after a restart', () => {
  let app: RunningApp;
  let db: Knex;
  let first: string;
  let dataDir: string;

  const connect = (running: RunningApp) => knexFactory({ client: 'pg', connection: running.databaseUrl, pool: { min: 0, max: 1 } });
  const membership = () => db('memberships').whereNotNull('stripe_subscription_id').first();
  const paidDonations = () => db('donations').whereNotNull('membership_id').whereNotNull('paid_at');

  beforeAll(async () => {
    app = await startApp();
    first = app.dataDir;
    dataDir = path.join(first, 'data');
    db = connect(app);
  }, 90_000);
  afterAll(async () => {
    await db?.destroy();
    await app?.stop();
    fs.rmSync(first, { recursive: true, force: true });
  });

  it('keeps a membership manageable and renewing', async () => {
    const paid = await becomeMonthlyMember(app, { amount: '10', email: 'member@example.com' });
    expect(paid.status).toBe(303);
    await until(membership, (m) => m?.status === 'active', 'an active membership');
    await postForm(`${app.baseUrl}/account/sign-in`, { email: 'member@example.com' });
    const mail = await until(
      () => db('dev_mailbox').where({ to_address: 'member@example.com' }).where('subject', 'like', 'Your sign-in link%').first(),
      (m) => m !== undefined,
      'the sign-in email',
    );
    const token = /token=([^\s]+)/.exec(mail.text)![1]!;

    await db.destroy();
    expect(await app.stop({ keepData: true })).toBe(0);
    app = await startApp({ DATA_DIR: dataDir });
    db = connect(app);

    const confirmed = await postForm(`${app.baseUrl}/account/verify`, { token });
    expect(confirmed.status).toBe(303);
    const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
    const row = await membership();
    const changed = await postForm(`${app.baseUrl}/account/memberships/${row.id}/amount`, { amount: '15' }, { cookie });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account?changed=amount');
    expect((await membership()).amount).toBe(1500);

    const advanced = await postForm(`${app.emulatorUrl}/_emulator/advance`, { days: '31' });
    expect(advanced.status).toBe(200);
    const donations = await until(paidDonations, (d) => d.length === 2, 'the renewal after the restart');
    expect(donations.map((d) => d.amount_paid).sort()).toEqual([1000, 1500]);
  }, 180_000);
});
