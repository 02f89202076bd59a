import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createStaffCommand } from '../../src/admin/create-staff-cli';
import { migrateCommand } from '../../src/db/migrate-cli';
import { seedDemoCommand } from '../../src/dev/seed-demo-cli';
import { workerCommand } from '../../src/jobs/worker-cli';
import { runCli, type CliCommand, type CliOption } from '../../src/lib/cli';
import { yearEndCommand } from '../../src/receipts/year-end-cli';
import { stripeEmulatorCommand } from '../../src/stripe/emulator-cli';
import { stripeSyncCommand } from '../../src/webhooks/sync-cli';

const ROOT = path.resolve(__dirname, '../..');
const COMMANDS = [
  ['src/db/migrate-cli.ts', migrateCommand],
  ['src/jobs/worker-cli.ts', workerCommand],
  ['src/receipts/year-end-cli.ts', yearEndCommand],
  ['src/webhooks/sync-cli.ts', stripeSyncCommand],
  ['src/admin/create-staff-cli.ts', createStaffCommand],
  ['src/stripe/emulator-cli.ts', stripeEmulatorCommand],
  ['src/dev/seed-demo-cli.ts', seedDemoCommand],
] as [string, CliCommand<Record<string, CliOption>>][];

/** In-process, with an empty environment: none of these cases may reach the configuration's database. */
async function run(command: CliCommand<Record<string, CliOption>>, argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(command, {
    argv,
    env: {},
    stdin: (async function* () {})(),
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  });
  return { code, ...out };
}

describe('the npm run commands', () => {
  it('document the flags the README gives for each', async () => {
    const synopsis = await Promise.all(COMMANDS.map(async ([, command]) => (await run(command, ['--help'])).stdout.split('\n')[0]));
    expect(synopsis).toEqual([
      'usage: npm run migrate',
      'usage: npm run worker',
      'usage: npm run receipts:year-end -- --year YEAR',
      'usage: npm run stripe:sync -- --since DATE',
      'usage: npm run admin:create -- --email E --password P --role admin|finance|staff|newsroom [--name "Full Name"]',
      'usage: npm run stripe:emulator -- [--webhook-url URL] [--no-webhooks] [--state-file PATH]',
      'usage: npm run seed:demo -- [--donors N] [--append]',
    ]);
  });

  it.each(COMMANDS)('%s refuses an unknown flag with exit 2 and its usage', async (_, command) => {
    const result = await run(command, ['--dry-run']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`${command.name}: Unknown option '--dry-run'`);
    expect(result.stderr).toContain(`usage: npm run ${command.name}`);
  });

  it.each([
    ['receipts:year-end', [], '--year is required', yearEndCommand],
    ['receipts:year-end', ['--year', '26'], '--year: give the calendar year, e.g. --year 2026', yearEndCommand],
    ['receipts:year-end', ['--year', '2026.5'], '--year: give the calendar year, e.g. --year 2026', yearEndCommand],
    ['stripe:sync', ['--since', 'last week'], '--since: give a date, e.g. --since 2026-11-01', stripeSyncCommand],
    ['stripe:sync', ['--since', '2026-13-45'], '--since: give a date, e.g. --since 2026-11-01', stripeSyncCommand],
    ['admin:create', ['--email', 'a@example.org', '--password', '-'], '--role is required', createStaffCommand],
    ['stripe:emulator', ['--no-webhooks', '--webhook-url', 'http://localhost:3000/x'], 'use either --webhook-url or --no-webhooks', stripeEmulatorCommand],
    ['stripe:emulator', ['--webhook-url', 'ftp://example.org'], 'not an http(s) URL: ftp://example.org', stripeEmulatorCommand],
    ['seed:demo', ['--donors', 'many'], '--donors: give a whole number of donors from 1 to 5,000,000, e.g. --donors 2000', seedDemoCommand],
    ['seed:demo', ['--donors', '0'], '--donors: give a whole number of donors from 1 to 5,000,000, e.g. --donors 2000', seedDemoCommand],
  ] as [string, string[], string, CliCommand<Record<string, CliOption>>][])('%s %j exits 2 with "%s"', async (_, argv, problem, command) => {
    const result = await run(command, argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${command.name}: ${problem}\n`);
  });

  it('refuses to run the worker on the embedded database, with exit 1 and what to set', async () => {
    const result = await run(workerCommand, []);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL: required for a separate worker');
  });

  it('refuses to sync from the emulator, with exit 1 and what to set', async () => {
    const result = await run(stripeSyncCommand, ['--since', '2026-11-01']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('STRIPE_SECRET_KEY: set it to sync from Stripe');
  });

  // The entry files run only when started as a script (`require.main === module`); this checks that wiring and the exit code.
  it('answers --help from each entry file as `npm run` starts it, and exits 2 on a bad flag', async () => {
    const start = (file: string, args: string[]) =>
      promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, file), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    const [bogus, ...helps] = await Promise.all([start('src/receipts/year-end-cli.ts', ['--bogus']), ...COMMANDS.map(([file]) => start(file, ['--help']))]);

    expect(helps.map((help) => [help.code, help.stdout.split('\n')[0]])).toEqual(COMMANDS.map(([, command]) => [0, expect.stringMatching(new RegExp(`^usage: npm run ${command.name}`))]));
    expect(bogus).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining("receipts:year-end: Unknown option '--bogus'") });
  }, 90_000);
});
