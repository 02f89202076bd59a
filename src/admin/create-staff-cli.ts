import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { withCliDatabase } from '../db/cli-database';
import { migrateToLatest } from '../db/knex';
import { AppError, ValidationError } from '../lib/errors';
import { addStaff } from './add-staff';
import { STAFF_ROLES } from './staff-users';

/**
 * `npm run admin:create -- --email E --password P --role admin|staff [--name N]`:
 * adds a staff account. `--password -` reads the password from standard input,
 * which keeps it out of the shell's history.
 */
const USAGE = `usage: npm run admin:create -- --email E --password P --role ${STAFF_ROLES.join('|')} [--name "Full Name"]`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(): Promise<void> {
  let values: { email?: string; password?: string; role?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
    }));
  } catch (error) {
    throw new ConfigError([`${(error as Error).message}`, USAGE]);
  }
  const missing = (['email', 'password', 'role'] as const).filter((key) => !values[key]);
  if (missing.length > 0) throw new ConfigError([...missing.map((key) => `--${key}: required`), USAGE]);
  const password = values.password === '-' ? await readStdin() : values.password!;

  const staff = await withCliDatabase(loadConfig(process.env), async (db) => {
    await migrateToLatest(db);
    return addStaff(db, null, { email: values.email!, password, role: values.role!, name: values.name }, 'cli');
  });
  process.stdout.write(`Created ${staff.role} account ${staff.id}. Sign in at /admin/sign-in.\n`);
}

run().catch((error: unknown) => {
  if (error instanceof ValidationError) {
    process.stderr.write(`${error.fields.map((f) => `--${f.field}: ${f.message}`).join('\n')}\n`);
  } else {
    process.stderr.write(`${error instanceof AppError || error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
