import request from 'supertest';
import { verifyPassword } from '../../../src/admin/passwords';
import { bootTestApp, type TestApp } from '../../support/app';
import { createStaff, SAME_ORIGIN, signedInStaff, staffCookie } from './support';

describe('/admin/staff', () => {
  let t: TestApp;
  let cookie: string;
  let adminId: string;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    const signedIn = await signedInStaff(t, 'admin');
    cookie = signedIn.cookie;
    adminId = signedIn.staff.id;
  });
  afterAll(() => t.close());

  const post = (path: string, fields: Record<string, string> = {}) => request(t.app).post(path).set(SAME_ORIGIN).set('Cookie', cookie).type('form').send(fields);
  const audit = async () => t.db('audit_log').where({ admin_user_id: adminId }).whereLike('action', 'staff.%').whereNot('action', 'staff.signed_in').orderBy('id').pluck('action');

  it('adds a staff member who can then sign in, and records who added them', async () => {
    const res = await post('/admin/staff', { name: 'Fin Ance', email: 'finance@newsroom.example', role: 'staff', password: 'a fresh passphrase here' });
    expect(res.status).toBe(303);
    const page = await request(t.app).get(res.headers.location!).set('Cookie', cookie);
    expect(page.text).toContain('Staff account added');
    expect(page.text).toContain('data-staff="finance@newsroom.example"');
    expect(await staffCookie(t, 'finance@newsroom.example', 'a fresh passphrase here')).toMatch(/^sustain_staff=/);
    expect(await audit()).toEqual(['staff.created']);
    // The page's own header still knows who is signed in.
    expect(page.text).toContain('<span class="who">admin person</span>');
    const log = await request(t.app).get('/admin/audit').set('Cookie', cookie);
    expect(log.text).toContain('Staff: finance@newsroom.example');
  });

  it('answers 422 naming each problem, and adds nobody', async () => {
    const res = await post('/admin/staff', { email: 'not-an-email', role: 'owner', password: 'short' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('must be an email address');
    expect(res.text).toContain('must be at least 12 characters');
    expect(res.text).toContain('must be one of admin, finance, staff, newsroom');
    const duplicate = await post('/admin/staff', { email: 'ADMIN@newsroom.example', role: 'staff', password: 'a fresh passphrase here' });
    expect(duplicate.status).toBe(422);
    expect(duplicate.text).toContain('A staff account with that email already exists');
    expect(await t.db('admin_users')).toHaveLength(1);
  });

  it('disables an account, signing it out at once, and enables it again', async () => {
    const colleague = await createStaff(t, 'staff');
    const theirs = await staffCookie(t, colleague.email);
    expect((await post(`/admin/staff/${colleague.id}/disable`)).status).toBe(303);
    expect((await request(t.app).get('/admin').set('Cookie', theirs)).status).toBe(303);
    expect(await t.db('sessions').where({ admin_user_id: colleague.id })).toHaveLength(0);

    expect((await post(`/admin/staff/${colleague.id}/enable`)).status).toBe(303);
    expect(await staffCookie(t, colleague.email)).toMatch(/^sustain_staff=/);
    expect(await audit()).toEqual(['staff.disabled', 'staff.enabled']);
  });

  it('sets a new password, which signs the account out everywhere', async () => {
    const colleague = await createStaff(t, 'staff');
    const theirs = await staffCookie(t, colleague.email);
    expect((await post(`/admin/staff/${colleague.id}/password`, { password: 'brand new passphrase' })).status).toBe(303);
    expect((await request(t.app).get('/admin').set('Cookie', theirs)).status).toBe(303);
    const row = await t.db('admin_users').where({ id: colleague.id }).first('password_hash');
    expect(await verifyPassword('brand new passphrase', row.password_hash)).toBe(true);
    expect((await post(`/admin/staff/${colleague.id}/password`, { password: 'short' })).status).toBe(422);
    expect(await audit()).toEqual(['staff.password_changed']);
  });

  it('will not let an admin disable themselves, and answers 404 for an unknown account', async () => {
    const self = await post(`/admin/staff/${adminId}/disable`);
    expect(self.status).toBe(422);
    expect(self.text).toContain('You cannot disable your own account.');
    expect((await t.db('admin_users').where({ id: adminId }).first()).disabled_at).toBeNull();
    expect((await post('/admin/staff/00000000-0000-4000-8000-000000000000/disable')).status).toBe(404);
    expect((await post('/admin/staff/nope/enable')).status).toBe(404);
  });

  it('is for admins only', async () => {
    const colleague = await createStaff(t, 'staff');
    const theirs = await staffCookie(t, colleague.email);
    expect((await request(t.app).get('/admin/staff').set('Cookie', theirs)).status).toBe(403);
    const res = await request(t.app).post(`/admin/staff/${adminId}/disable`).set(SAME_ORIGIN).set('Cookie', theirs);
    expect(res.status).toBe(403);
    expect((await t.db('admin_users').where({ id: adminId }).first()).disabled_at).toBeNull();
  });
});
