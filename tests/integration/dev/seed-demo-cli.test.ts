import type { Knex } from 'knex';
import { seedDemoCommand } from '../../../src/dev/seed-demo-cli';
import { runCli, type CliContext } from '../../../src/lib/cli';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildStaff } from '../../support/factories';

type Options = (typeof seedDemoCommand)['options'];

async function runWithEnv(env: NodeJS.ProcessEnv, argv: string[] = []) {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(seedDemoCommand, {
    argv,
    env,
    stdin: (async function* () {})(),
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  });
  return { code, ...out };
}

describe('npm run seed:demo', () => {
  it.each([
    [{ NODE_ENV: 'production' }, 'seed:demo writes made-up donors and payments; it never runs with NODE_ENV=production.\n'],
    [{ STRIPE_SECRET_KEY: 'sk_live_abc' }, 'seed:demo will not run beside a live Stripe key: its made-up Stripe ids would sit among real ones.\n'],
  ])('refuses %j with exit 1 before opening any database', async (env, message) => {
    expect(await runWithEnv({ ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' })).toEqual({ code: 1, stdout: '', stderr: message });
  });

  describe('on the app database', () => {
    let t: TestApp;
    let stdout: string;
    /** The command as the runner starts it, on the test database (the runner itself would open DATABASE_URL's public schema). */
    const run = (values: { donors: string | undefined; append: boolean }) => {
      stdout = '';
      const context: CliContext<Options> = {
        values,
        env: {},
        stdin: (async function* () {})(),
        stdout: { write: (text: string) => (stdout += text) },
        config: () => t.config,
        withDatabase: <T>(work: (db: Knex) => Promise<T>) => work(t.db),
      };
      return seedDemoCommand.run(context);
    };
    beforeAll(async () => {
      t = await bootTestApp();
      await t.reset();
    });
    afterAll(() => t.close());

    it('seeds, prints a line per step (not a terminal), and says how to reach the console', async () => {
      await run({ donors: '40', append: false });
      expect(stdout).toMatch(/^ {2}drawing donors +40 rows +\d+\.\d s$/m);
      expect(stdout).toMatch(/^ {2}indexes and keys +\d+ rebuilt +\d+\.\d s$/m);
      expect(stdout).toMatch(/The database now holds 40 donors, 200 donations \(\d+ of them membership payments\), \d+ memberships and \d+ receipts\./);
      expect(stdout).toContain('Next: npm start, open the staff setup link it prints to create your account, and the dashboard is at http://localhost:3000/admin.');
    });

    it('refuses to seed again without --append, naming what is there', async () => {
      await expect(run({ donors: undefined, append: false })).rejects.toThrow('The database already holds giving records (40 donors, 200 donations');
    });

    it('adds with --append, and sends a staff member who exists to the sign-in page', async () => {
      await buildStaff(t.db);
      await run({ donors: '10', append: true });
      expect(stdout).toContain('The database now holds 50 donors, 250 donations');
      expect(stdout).toContain('Next: npm start, and sign in at http://localhost:3000/admin.');
    });
  });
});
