import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { createStaffCommand } from '../../../src/admin/create-staff-cli';
import { authenticateStaff } from '../../../src/admin/staff-users';
import { createDb } from '../../../src/db/knex';
import { migrateCommand } from '../../../src/db/migrate-cli';
import { runCli, type CliCommand, type CliOption } from '../../../src/lib/cli';
import { yearEndCommand } from '../../../src/receipts/year-end-cli';
import { testDatabaseUrl } from '../../support/db';

const PASSWORD = 'a passphrase typed at a prompt';

/**
 * The commands as an operator runs them with DATABASE_URL set, on the test
 * database's public schema (the tests' own tables live in per-worker schemas).
 */
async function run(command: CliCommand<Record<string, CliOption>>, argv: string[], stdin: AsyncIterable<string> = Readable.from([])) {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(command, {
    argv,
    env: { DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' },
    stdin,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  });
  return { code, ...out };
}

describe('the database commands through the CLI runner', () => {
  let db: Knex;
  beforeAll(async () => {
    db = createDb({ url: testDatabaseUrl(), poolMax: 2 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('migrate applies what is pending, then says it is up to date', async () => {
    const first = await run(migrateCommand, []);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^(Applied \d+ migration\(s\):\n|Already up to date\.\n$)/) });
    expect(await run(migrateCommand, [])).toEqual({ code: 0, stdout: 'Already up to date.\n', stderr: '' });
  }, 60_000);

  it('admin:create with --password - reads the password from standard input, and the account signs in with it', async () => {
    const email = `cli-${randomUUID()}@example.org`;
    const result = await run(createStaffCommand, ['--email', email, '--password', '-', '--role', 'staff', '--name', 'Ada Staff'], Readable.from([`${PASSWORD}\n`]));

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const id = /Created staff account ([0-9a-f-]{36})\./.exec(result.stdout)?.[1];
    expect(await authenticateStaff(db, email, PASSWORD)).toEqual({ id, email, name: 'Ada Staff', role: 'staff' });
    expect(await db('audit_log').where({ subject_id: id }).pluck('action')).toEqual(['staff.created']);
  }, 60_000);

  it('admin:create exits 1 naming each refused flag, and creates nothing', async () => {
    const email = `cli-${randomUUID()}@example.org`;
    const result = await run(createStaffCommand, ['--email', email, '--password', '-', '--role', 'boss'], Readable.from(['short\n']));

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: '--password: must be at least 12 characters\n--role: must be one of admin, finance, staff, newsroom\n',
    });
    expect(await db('admin_users').where({ email }).count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 60_000);

  it('receipts:year-end issues the year on the migrated database', async () => {
    expect(await run(yearEndCommand, ['--year', '2001'])).toEqual({
      code: 0,
      stdout: '2001: 0 statement(s) issued, 0 already issued before, 0 donor(s) without an email address.\n',
      stderr: '',
    });
  }, 60_000);
});
