import type { Express } from 'express';
import request from 'supertest';
import { STAFF_ROLES, type StaffRole } from '../../../src/admin/roles';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildStaff } from '../../support/factories';
import { SAME_ORIGIN, seedDonor, staffCookie } from './support';

/**
 * Every route the console registers, with the roles that may use it. Written
 * out here rather than read from src/admin/roles.ts, so this file is the
 * specification the code is held to; a route added without a line here fails
 * the first test.
 */
const ALL = STAFF_ROLES;
const SEES_DONORS: StaffRole[] = ['admin', 'finance', 'staff'];
const FINANCE: StaffRole[] = ['admin', 'finance'];
const ADMIN: StaffRole[] = ['admin'];
const OPEN = 'open to anyone (signing in)';
const GUARD = 'not a page: the cross-site check in front of every POST';

const ROUTES: Record<string, readonly StaffRole[] | typeof OPEN | typeof GUARD> = {
  'POST /admin{/*rest}': GUARD,
  'GET /admin/sign-in': OPEN,
  'POST /admin/sign-in': OPEN,
  'GET /admin/setup': OPEN,
  'POST /admin/setup': OPEN,
  'POST /admin/sign-out': ALL,
  'GET /admin': ALL,
  'GET /admin/donors': SEES_DONORS,
  'GET /admin/donors/:id': SEES_DONORS,
  'GET /admin/receipts/:file': SEES_DONORS,
  'GET /admin/reports': ALL,
  'GET /admin/reports/stories': ALL,
  'GET /admin/reports/campaigns': FINANCE,
  'GET /admin/reports/gifts': SEES_DONORS,
  'GET /admin/reports/revenue': FINANCE,
  'GET /admin/reports/members': FINANCE,
  'GET /admin/reports/gifts-by-size': FINANCE,
  'GET /admin/reports/sources': FINANCE,
  'GET /admin/exports': FINANCE,
  'GET /admin/exports/donors.csv': FINANCE,
  'GET /admin/exports/donations.csv': FINANCE,
  'GET /admin/exports/memberships.csv': FINANCE,
  'GET /admin/exports/year-end.csv': FINANCE,
  'GET /admin/staff': ADMIN,
  'POST /admin/staff': ADMIN,
  'POST /admin/staff/:id/disable': ADMIN,
  'POST /admin/staff/:id/enable': ADMIN,
  'POST /admin/staff/:id/password': ADMIN,
  'GET /admin/audit': ADMIN,
  'GET /admin/settings/levels': ADMIN,
  'POST /admin/settings/levels': ADMIN,
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  slash?: boolean;
}

/** "METHOD /path" for every route registered on the app, through routers mounted without a path. */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) found.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle.stack) {
        if (!layer.slash) throw new Error('A router is mounted under a path: teach registeredRoutes to prefix it');
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
  return found;
}

/** A concrete URL for a route pattern: any id will do, the role check comes before the lookup. */
function urlFor(route: string, ids: { donorId: string; staffId: string }): string {
  const path = route.split(' ')[1]!;
  return path
    .replace('/admin/donors/:id', `/admin/donors/${ids.donorId}`)
    .replace('/admin/staff/:id', `/admin/staff/${ids.staffId}`)
    .replace(':file', '2026-000001.pdf');
}

describe('roles in the staff console', () => {
  let t: TestApp;
  const cookies = {} as Record<StaffRole, string>;
  let ids: { donorId: string; staffId: string };
  const person = { name: 'Valentina Quasimodo', email: 'valentina.q@donor.example', street: '77 Hidden Lane', comment: 'For the housing series' };

  beforeAll(async () => {
    t = await bootTestApp();
    await t.reset();
    for (const role of STAFF_ROLES) {
      const staff = await buildStaff(t.db, { role, email: `${role}@newsroom.example`, name: `${role} person` });
      cookies[role] = await staffCookie(t, staff.email);
      if (role === 'staff') ids = { donorId: '', staffId: staff.id };
    }
    const { donorId } = await seedDonor(t, { email: person.email, name: person.name }, [{ amount: 5000, daysAgo: 3, articleTitle: 'Where the rent goes', campaign: 'spring' }], {
      amount: 1500,
      interval: 'month',
      status: 'past_due',
    });
    await t.db('donors').where({ id: donorId }).update({ address: { line1: person.street, city: 'Springfield', postal_code: '12345', country: 'US' } });
    await t.db('donations').where({ donor_id: donorId }).update({ comment: person.comment, article_url: 'https://news.example.org/rent' });
    ids.donorId = donorId;
  });
  afterAll(() => t.close());

  it('declares every registered /admin route in this sweep, and no route that is gone', () => {
    const registered = registeredRoutes(t.app).filter((r) => r.split(' ')[1]!.startsWith('/admin'));
    expect([...new Set(registered)].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  const guarded = Object.entries(ROUTES).filter((entry): entry is [string, readonly StaffRole[]] => entry[1] !== OPEN && entry[1] !== GUARD);

  it.each(guarded)('%s refuses every role but its own with 403, and writes nothing', async (route, allowed) => {
    const [method] = route.split(' ');
    const refused = STAFF_ROLES.filter((role) => !allowed.includes(role));
    const auditBefore = await t.db('audit_log').count({ n: '*' }).first();
    for (const role of refused) {
      const call = method === 'GET' ? request(t.app).get(urlFor(route, ids)) : request(t.app).post(urlFor(route, ids)).set(SAME_ORIGIN).type('form').send({});
      const res = await call.set('Cookie', cookies[role]);
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
      expect(res.text).not.toContain(person.name);
    }
    expect(await t.db('audit_log').count({ n: '*' }).first()).toEqual(auditBefore);
  });

  it.each(guarded.filter(([route]) => route.startsWith('GET ')))('%s lets in each role it names', async (route, allowed) => {
    for (const role of allowed) {
      const res = await request(t.app).get(urlFor(route, ids)).set('Cookie', cookies[role]);
      // 404 for the made-up receipt; anything but a refusal or the sign-in page.
      expect({ role, refused: res.status === 403 || res.headers.location?.startsWith('/admin/sign-in') === true }).toEqual({ role, refused: false });
    }
  });

  it('sends a visitor without a session to sign in, on every guarded route', async () => {
    for (const [route] of guarded) {
      const url = urlFor(route, ids);
      const res = route.startsWith('GET ') ? await request(t.app).get(url) : await request(t.app).post(url).set(SAME_ORIGIN).type('form').send({});
      expect({ route, status: res.status, location: res.headers.location?.split('?')[0] }).toEqual({ route, status: 303, location: '/admin/sign-in' });
    }
  });

  it('never shows a newsroom editor who gives: no name, email, address or comment on any page', async () => {
    const pages = new Set<string>(['/admin', '/admin/reports/stories', '/admin/reports/gifts?article_url=https%3A%2F%2Fnews.example.org%2Frent']);
    for (const [route] of Object.entries(ROUTES)) if (route.startsWith('GET ')) pages.add(urlFor(route, ids));
    const seen: string[] = [];
    for (const url of pages) {
      const res = await request(t.app).get(url).set('Cookie', cookies.newsroom);
      const body = res.text ?? '';
      for (const secret of [person.name, person.email, person.street, person.comment, 'Valentina']) {
        if (body.includes(secret)) seen.push(`${url} shows ${secret}`);
      }
    }
    expect(seen).toEqual([]);
    // The editor still sees how giving goes: the story and its revenue.
    const stories = await request(t.app).get('/admin/reports/stories').set('Cookie', cookies.newsroom);
    expect(stories.status).toBe(200);
    expect(stories.text).toContain('Where the rent goes');
    expect(stories.text).not.toContain('/admin/reports/gifts');
    const dashboard = await request(t.app).get('/admin').set('Cookie', cookies.newsroom);
    expect(dashboard.text).toContain('data-figure="raised"');
    expect(dashboard.text).not.toContain('href="/admin/donors');
    // The same pages name the donor for a role that may see donors.
    const forStaff = await request(t.app).get('/admin').set('Cookie', cookies.staff);
    expect(forStaff.text).toContain(person.name);
  });

  it('shows each role only the navigation it may follow', async () => {
    const nav = async (role: StaffRole) => {
      const res = await request(t.app).get('/admin').set('Cookie', cookies[role]);
      const links = /<nav aria-label="Console">([\s\S]*?)<\/nav>/.exec(res.text)?.[1] ?? '';
      return [...links.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await nav('newsroom')).toEqual(['/admin', '/admin/reports/stories']);
    expect(await nav('staff')).toEqual(['/admin', '/admin/donors', '/admin/reports/stories']);
    // Roles with more than one report start at the reports index.
    expect(await nav('finance')).toEqual(['/admin', '/admin/donors', '/admin/reports', '/admin/exports']);
    expect(await nav('admin')).toEqual(['/admin', '/admin/donors', '/admin/reports', '/admin/exports', '/admin/settings/levels', '/admin/staff', '/admin/audit']);
  });
});
