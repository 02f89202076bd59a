import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { becomeMonthlyMember, postForm, startApp, type RunningApp } from './run-app';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const PASSWORD = 'an admin passphrase for e2e';

/** `npm run admin:create` as an operator types it, on the embedded database in `dataDir`. */
async function adminCreate(dataDir: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/admin/create-staff-cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

/**
 * The operator creates a staff account with the CLI, starts the product on its
 * embedded defaults, a reader becomes a monthly member through the emulator,
 * and staff find them in the console at the right level.
 */
describe('the staff console on npm start', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sustain-staff-e2e-'));
  const dataDir = path.join(home, 'data');
  let app: RunningApp;
  let cookie = '';

  afterAll(async () => {
    if (app) expect(await app.stop()).toBe(0);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('creates a staff account with admin:create, and refuses a duplicate or a weak password naming the field', async () => {
    const created = await adminCreate(dataDir, ['--email', 'director@newsroom.example', '--password', PASSWORD, '--role', 'admin', '--name', 'Dana Director']);
    expect(created).toMatchObject({ code: 0 });
    expect(created.out).toMatch(/Created admin account [0-9a-f-]{36}/);

    const again = await adminCreate(dataDir, ['--email', 'DIRECTOR@newsroom.example', '--password', PASSWORD, '--role', 'staff']);
    expect(again.code).toBe(1);
    expect(again.out).toContain('A staff account with that email already exists');

    const weak = await adminCreate(dataDir, ['--email', 'intern@newsroom.example', '--password', 'short', '--role', 'boss']);
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('--password: must be at least 12 characters');
    expect(weak.out).toContain('--role: must be one of admin, finance, staff, newsroom');
  }, 60_000);

  it('signs the staff member in to the console', async () => {
    app = await startApp({ DATA_DIR: dataDir });
    // A staff account exists, so no setup link is offered.
    expect(app.logs.join('\n')).not.toContain('/admin/setup');
    const res = await postForm(`${app.baseUrl}/admin/sign-in`, { email: 'director@newsroom.example', password: PASSWORD }, { origin: app.baseUrl });
    expect(res.status).toBe(303);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const dashboard = await fetch(`${app.baseUrl}/admin`, { headers: { cookie } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Dana Director');
  }, 90_000);

  it('shows a reader who just became a $10-a-month member as a Sustainer, with the payment and its receipt', async () => {
    const paid = await becomeMonthlyMember(app, { amount: '10', email: 'member@example.com', campaign: 'year-end' });
    expect(paid.status).toBe(303);

    let donors = '';
    for (let i = 0; i < 100 && !/No\. |\d{4}-\d{6}/.test(donors); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const list = await (await fetch(`${app.baseUrl}/admin/donors?q=member%40example.com`, { headers: { cookie } })).text();
      const id = /href="\/admin\/donors\/([0-9a-f-]{36})"/.exec(list)?.[1];
      if (id && list.includes('<td data-level data-label="Level">Sustainer</td>')) donors = await (await fetch(`${app.baseUrl}/admin/donors/${id}`, { headers: { cookie } })).text();
    }
    expect(donors).toContain('<strong data-level>Sustainer</strong>');
    expect(donors).toContain('<strong>$10.00 a month</strong> <span class="tag ok">Active</span>');
    expect(donors).toContain('Joined from: year-end');
    const receipt = /href="(\/admin\/receipts\/\d{4}-\d{6}\.pdf)"/.exec(donors)![1]!;
    const pdf = await fetch(`${app.baseUrl}${receipt}`, { headers: { cookie } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');

    const dashboard = await (await fetch(`${app.baseUrl}/admin`, { headers: { cookie } })).text();
    expect(dashboard).toContain('data-figure="active-members">1<');
    expect(dashboard).toContain('data-figure="mrr">$10.00<');
  }, 60_000);
});
