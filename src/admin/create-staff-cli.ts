import { defineCommand, runCliAsMain } from '../lib/cli';
import { addStaff } from './add-staff';
import { ROLE_DESCRIPTIONS } from './roles';
import { STAFF_ROLES } from './staff-users';

/**
 * `npm run admin:create -- --email E --password P --role admin|finance|staff|newsroom [--name N]`:
 * adds a staff account. `--password -` reads the password from standard input,
 * which keeps it out of the shell's history.
 */
export const createStaffCommand = defineCommand({
  name: 'admin:create',
  description:
    'Adds a staff account. On the embedded database, stop npm start first (one process at a time may open it).',
  options: {
    email: { type: 'string', value: 'E', required: true, help: 'the address they sign in with' },
    password: { type: 'string', value: 'P', required: true, help: 'at least 12 characters; - reads it from standard input' },
    role: { type: 'string', value: STAFF_ROLES.join('|'), required: true, help: STAFF_ROLES.map((r) => `${r}: ${ROLE_DESCRIPTIONS[r]}`).join('; ') },
    name: { type: 'string', value: '"Full Name"', help: 'shown in the console and the audit log' },
  },
  async run({ values, stdin, withDatabase, stdout }) {
    const password = values.password === '-' ? await readAll(stdin) : values.password;
    const staff = await withDatabase((db) => addStaff(db, null, { email: values.email, password, role: values.role, name: values.name }, 'cli'));
    stdout.write(`Created ${staff.role} account ${staff.id}. Sign in at /admin/sign-in.\n`);
  },
});

async function readAll(stream: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

if (require.main === module) runCliAsMain(createStaffCommand);
