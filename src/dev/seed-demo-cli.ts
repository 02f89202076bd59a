import { countStaffUsers } from '../admin/staff-users';
import { AppError } from '../lib/errors';
import { defineCommand, runCliAsMain, UsageError } from '../lib/cli';
import { seedDemo, type SeedReport } from './seed-demo';
import { sizesFor } from './seed-plan';
import { seedProgress } from './seed-progress';

/**
 * `npm run seed:demo -- [--donors N] [--append]`: a living dashboard for a
 * newcomer (and data for the staff console benchmark, bench/seed-donors.ts).
 * Made-up donors and payments must never meet a real organisation's
 * records, so it refuses production outright, a live Stripe key, and any
 * database that already holds giving records unless told to add to them.
 */

const DEFAULT_DONORS = 2000;
const MAX_DONORS = 5_000_000;

class SeedRefusedError extends AppError {
  constructor(message: string) {
    super(message, 409, 'seed_refused');
  }
}

export const seedDemoCommand = defineCommand({
  name: 'seed:demo',
  description:
    'Fills the database npm start uses (DATABASE_URL, else the embedded one in DATA_DIR) with two years of made-up giving: ' +
    'donors, one-time gifts, memberships with their renewals and cancellations, refunds, receipts and year-end statements. ' +
    'It refuses a database that already holds donors, donations or memberships unless --append, and never runs with NODE_ENV=production.',
  options: {
    donors: { type: 'string', value: 'N', help: `donors to create (default ${DEFAULT_DONORS}); about five donations each` },
    append: { type: 'boolean', help: 'add demo donors beside the giving records already in the database' },
  },
  async run({ values, env, withDatabase, stdout, config }) {
    if (env.NODE_ENV === 'production') {
      throw new SeedRefusedError('seed:demo writes made-up donors and payments; it never runs with NODE_ENV=production.');
    }
    if (/^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY ?? '')) {
      throw new SeedRefusedError('seed:demo will not run beside a live Stripe key: its made-up Stripe ids would sit among real ones.');
    }
    const raw = values.donors ?? String(DEFAULT_DONORS);
    const donors = Number(raw);
    if (!/^\d+$/.test(raw) || donors < 1 || donors > MAX_DONORS) {
      throw new UsageError(`--donors: give a whole number of donors from 1 to ${MAX_DONORS.toLocaleString('en-US')}, e.g. --donors 2000`);
    }
    const progress = seedProgress(stdout);
    const { report, staff } = await withDatabase(async (db) => {
      try {
        const seeded = await seedDemo(db, { sizes: sizesFor(donors), append: values.append, onProgress: progress.update });
        return { report: seeded, staff: await countStaffUsers(db) };
      } finally {
        progress.finish();
      }
    });
    stdout.write(summary(report, config().baseUrl, staff));
  },
});

function summary(report: SeedReport, baseUrl: string, staff: number): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const { counts } = report;
  const donations = Object.values(counts.donations).reduce((a, b) => a + b, 0);
  const memberships = Object.values(counts.memberships).reduce((a, b) => a + b, 0);
  const next =
    staff === 0
      ? `Next: npm start, open the staff setup link it prints to create your account, and the dashboard is at ${baseUrl}/admin.`
      : `Next: npm start, and sign in at ${baseUrl}/admin.`;
  return [
    `Seeded in ${(report.totalMs / 1000).toFixed(1)} s. The database now holds ${n(counts.donors)} donors, ${n(donations)} donations ` +
      `(${n(counts.membershipDonations)} of them membership payments), ${n(memberships)} memberships and ${n(counts.receipts)} receipts.`,
    next,
    'The local Stripe emulator has never seen these payments: a refund or card change on a made-up gift gets an error from it.',
    '',
  ].join('\n');
}

if (require.main === module) runCliAsMain(seedDemoCommand);
