import request from 'supertest';
import { bootTestApp, type TestApp } from '../../support/app';
import { createStaff, SAME_ORIGIN, seedDonor, signedInStaff, STAFF_PASSWORD } from './support';

describe('GET /admin/audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('shows admins, newest first, who signed in, failed to, and opened which donor record', async () => {
    const { cookie } = await signedInStaff(t, 'admin');
    const colleague = await createStaff(t, 'staff', 'colleague@newsroom.example');
    await request(t.app).post('/admin/sign-in').set(SAME_ORIGIN).type('form').send({ email: colleague.email, password: 'not the right one' });
    const { donorId } = await seedDonor(t, { email: 'looked-up@example.com' });
    await request(t.app).get(`/admin/donors/${donorId}`).set('Cookie', cookie);

    const page = await request(t.app).get('/admin/audit').set('Cookie', cookie);
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/<tr data-audit>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].slice(1).map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
    );
    expect(rows).toEqual([
      ['admin person', 'Opened donor record', 'Donor record'],
      ['—', 'Failed sign-in', ''],
      ['admin person', 'Signed in', ''],
    ]);
    expect(page.text).toContain(`href="/admin/donors/${donorId}"`);
    // The address tried is not shown (it is kept only as a hash).
    expect(page.text).not.toContain('colleague@newsroom.example');
  });

  it('pages back through older entries, 100 at a time', async () => {
    const { cookie, staff } = await signedInStaff(t, 'admin');
    await t.db('audit_log').insert(Array.from({ length: 120 }, () => ({ admin_user_id: staff.id, action: 'staff.signed_out' })));
    const first = await request(t.app).get('/admin/audit').set('Cookie', cookie);
    expect(first.text.match(/<tr data-audit>/g)).toHaveLength(100);
    const older = /href="(\/admin\/audit\?before=\d+)"/.exec(first.text)![1]!;
    const second = await request(t.app).get(older).set('Cookie', cookie);
    expect(second.text.match(/<tr data-audit>/g)).toHaveLength(21); // 120 + the sign-in
    expect(second.text).not.toContain('Older entries');
    expect((await request(t.app).get('/admin/audit?before=abc').set('Cookie', cookie)).status).toBe(422);
  });

  it('is for admins only', async () => {
    const staff = await createStaff(t, 'staff');
    const signIn = await request(t.app).post('/admin/sign-in').set(SAME_ORIGIN).type('form').send({ email: staff.email, password: STAFF_PASSWORD });
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(t.app).get('/admin/audit').set('Cookie', cookie)).status).toBe(403);
  });
});
