import { createHmac } from 'node:crypto';
import request from 'supertest';
import { setupLink } from '../../../src/admin/auth-routes';
import { bootTestApp, TEST_BASE_URL, type TestApp } from '../../support/app';
import { createStaff, SAME_ORIGIN, STAFF_PASSWORD, staffCookie } from './support';

describe('staff sign-in at /admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const signIn = (fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
    request(t.app).post('/admin/sign-in').set(headers).type('form').send(fields);
  const staffSessions = () => t.db('sessions').where({ kind: 'admin' });

  it('sends a visitor without a session to sign in, then back to the page they asked for', async () => {
    const staff = await createStaff(t);
    const asked = await request(t.app).get('/admin/donors?q=lee');
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fdonors%3Fq%3Dlee');

    const res = await signIn({ email: staff.email, password: STAFF_PASSWORD, next: '/admin/donors?q=lee' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/donors?q=lee');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie for /admin only, and records the sign-in', async () => {
    const staff = await createStaff(t);
    const res = await signIn({ email: staff.email.toUpperCase(), password: STAFF_PASSWORD });
    const cookie = res.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^sustain_staff=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    const page = await request(t.app).get('/admin').set('Cookie', cookie.split(';')[0]!);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.text).toContain('Dashboard');
    expect(await t.db('audit_log').where({ admin_user_id: staff.id }).pluck('action')).toEqual(['staff.signed_in']);
    expect((await t.db('admin_users').where({ id: staff.id }).first()).last_sign_in_at).not.toBeNull();
  });

  it('answers 401 with the same message for an unknown email and a wrong password, and starts no session', async () => {
    const staff = await createStaff(t);
    const unknown = await signIn({ email: 'nobody@newsroom.example', password: STAFF_PASSWORD });
    const wrong = await signIn({ email: staff.email, password: 'not the passphrase at all' });
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain('That email and password do not match an active staff account.');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await staffSessions()).toHaveLength(0);
    const failures = await t.db('audit_log').where({ action: 'staff.sign_in_failed' });
    expect(failures).toHaveLength(2);
    // The attempted address is kept only as a hash.
    expect(JSON.stringify(failures)).not.toContain('nobody@newsroom.example');
  });

  it('never sends a freshly signed-in user to another site', async () => {
    const staff = await createStaff(t);
    for (const next of ['https://evil.example/admin', '//evil.example/admin', '/donate', '/administrator']) {
      const res = await signIn({ email: staff.email, password: STAFF_PASSWORD, next });
      expect(res.headers.location).toBe('/admin');
    }
  });

  it('refuses a sign-in posted from another site with 403, and starts no session', async () => {
    const staff = await createStaff(t);
    const res = await signIn({ email: staff.email, password: STAFF_PASSWORD }, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(await staffSessions()).toHaveLength(0);
  });

  it('stops guessing: the 11th attempt on one account in 15 minutes is refused with 429, even with the right password', async () => {
    const staff = await createStaff(t);
    for (let i = 0; i < 10; i += 1) expect((await signIn({ email: staff.email, password: `wrong guess number ${i}` })).status).toBe(401);
    const res = await signIn({ email: staff.email, password: STAFF_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many sign-in attempts');
    expect(await staffSessions()).toHaveLength(0);
  });

  it('never locks out a staff member who signs in correctly, however often', async () => {
    const staff = await createStaff(t);
    for (let i = 0; i < 12; i += 1) expect((await signIn({ email: staff.email, password: STAFF_PASSWORD })).status).toBe(303);
  });

  it('answers 422, not 500, to a NUL character, and an over-long next only falls back to /admin', async () => {
    const staff = await createStaff(t);
    expect((await signIn({ email: 'a\u0000@newsroom.example', password: STAFF_PASSWORD })).status).toBe(422);
    const res = await signIn({ email: staff.email, password: STAFF_PASSWORD, next: `/admin/donors?q=${'x'.repeat(3000)}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
  });

  it('signs out: the session is deleted and its cookie no longer opens the console', async () => {
    const staff = await createStaff(t);
    const cookie = await staffCookie(t, staff.email);
    const out = await request(t.app).post('/admin/sign-out').set(SAME_ORIGIN).set('Cookie', cookie);
    expect(out.status).toBe(303);
    expect(out.headers['set-cookie']![0]).toMatch(/sustain_staff=;/);
    expect(await staffSessions()).toHaveLength(0);
    expect((await request(t.app).get('/admin').set('Cookie', cookie)).status).toBe(303);
  });

  it('shuts a disabled account out at once, session or not', async () => {
    const staff = await createStaff(t);
    const cookie = await staffCookie(t, staff.email);
    await t.db('admin_users').where({ id: staff.id }).update({ disabled_at: new Date() });
    expect((await request(t.app).get('/admin').set('Cookie', cookie)).status).toBe(303);
    expect((await signIn({ email: staff.email, password: STAFF_PASSWORD })).status).toBe(401);
  });

  it('keeps settings to admins: staff get 403 and change nothing', async () => {
    const staff = await createStaff(t, 'staff');
    const cookie = await staffCookie(t, staff.email);
    expect((await request(t.app).get('/admin/settings/levels').set('Cookie', cookie)).status).toBe(403);
    const post = await request(t.app)
      .post('/admin/settings/levels')
      .set(SAME_ORIGIN)
      .set('Cookie', cookie)
      .type('form')
      .send('level_name=Everyone&level_min=0');
    expect(post.status).toBe(403);
    expect(await t.db('settings').where({ key: 'membership_levels' })).toHaveLength(0);
  });
});

const SETUP_TOKEN = 'a-random-setup-token-for-this-test-process';

describe('first staff account through the setup link', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({}, { staffSetupToken: SETUP_TOKEN });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const link = () => setupLink(TEST_BASE_URL, SETUP_TOKEN).replace(TEST_BASE_URL, '');
  const token = () => new URL(link(), TEST_BASE_URL).searchParams.get('token')!;
  const setup = (fields: Record<string, string>) => request(t.app).post('/admin/setup').set(SAME_ORIGIN).type('form').send(fields);
  const good = () => ({ token: token(), email: 'director@newsroom.example', name: 'Dana Director', password: STAFF_PASSWORD, password_confirmation: STAFF_PASSWORD });

  it('creates an admin and signs them in', async () => {
    expect((await request(t.app).get(link())).status).toBe(200);
    const res = await setup(good());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(t.app).get('/admin/settings/levels').set('Cookie', cookie)).status).toBe(200);
    const staff = await t.db('admin_users').first();
    expect(staff).toMatchObject({ email: 'director@newsroom.example', role: 'admin', name: 'Dana Director' });
    expect(staff.password_hash).toMatch(/^scrypt\$/);
    expect(staff.password_hash).not.toContain(STAFF_PASSWORD);
  });

  it('answers 404 to a wrong token, and to the right one once any staff account exists', async () => {
    expect((await request(t.app).get('/admin/setup?token=guess')).status).toBe(404);
    // What an earlier version derived from SESSION_SECRET, whose development default is public.
    const derived = createHmac('sha256', t.config.sessionSecret).update('admin-setup:first-staff-account').digest('base64url');
    expect((await request(t.app).get(`/admin/setup?token=${derived}`)).status).toBe(404);
    expect((await setup({ ...good(), token: 'guess' })).status).toBe(404);
    expect(await t.db('admin_users')).toHaveLength(0);

    await createStaff(t, 'staff');
    expect((await request(t.app).get(link())).status).toBe(404);
    expect((await setup({ ...good(), email: 'intruder@example.org' })).status).toBe(404);
    expect(await t.db('admin_users').pluck('email')).toEqual(['staff@newsroom.example']);
  });

  it('answers 422 naming the problem for a short password or a mismatch, and creates nothing', async () => {
    const short = await setup({ ...good(), password: 'short', password_confirmation: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('must be at least 12 characters');
    const mismatch = await setup({ ...good(), password_confirmation: `${STAFF_PASSWORD}!` });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('The two passwords are not the same');
    expect(await t.db('admin_users')).toHaveLength(0);
  });

  it('lets only one of two simultaneous setups create the account', async () => {
    const [a, b] = await Promise.all([setup(good()), setup({ ...good(), email: 'second@newsroom.example' })]);
    expect([a.status, b.status].sort()).toEqual([303, 404]);
    expect(await t.db('admin_users')).toHaveLength(1);
  });
});

describe('staff sign-in in production, behind a proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    const env = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525', SESSION_SECRET: 'x'.repeat(40), BASE_URL: TEST_BASE_URL };
    t = await bootTestApp(env, { staffSetupToken: SETUP_TOKEN });
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const signInFrom = (address: string, fields: Record<string, string>) =>
    request(t.app).post('/admin/sign-in').set(SAME_ORIGIN).set('X-Forwarded-For', address).type('form').send(fields);

  it('never offers setup: the link answers 404 even with no staff account (admin:create is the way in)', async () => {
    expect((await request(t.app).get(setupLink(TEST_BASE_URL, SETUP_TOKEN).replace(TEST_BASE_URL, ''))).status).toBe(404);
    expect((await request(t.app).get('/admin/sign-in')).text).not.toContain('There is no staff account yet');
  });

  it("stops a guesser's address after 10 wrong passwords without locking the staff member out from their own", async () => {
    const staff = await createStaff(t);
    for (let i = 0; i < 10; i += 1) expect((await signInFrom('203.0.113.9', { email: staff.email, password: `guess ${i} of many` })).status).toBe(401);
    expect((await signInFrom('203.0.113.9', { email: staff.email, password: STAFF_PASSWORD })).status).toBe(429);
    expect((await signInFrom('198.51.100.7', { email: staff.email, password: STAFF_PASSWORD })).status).toBe(303);
  });
});
