import { ConfigError, loadConfig } from '../config';
import { withCliDatabase } from '../db/cli-database';
import { migrateToLatest } from '../db/knex';
import { issueYearEndStatements } from './year-end-statements';

/**
 * `npm run receipts:year-end -- --year 2026`: issues the year's giving
 * statements now (they are also scheduled for early January). Safe to run
 * again: donors who already have their statement are skipped. The emails are
 * queued; the worker (in `npm start` or `npm run worker`) sends them.
 */
function parseYear(argv: string[]): number {
  const index = argv.indexOf('--year');
  const raw = index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--year='))?.slice('--year='.length);
  const year = Number(raw);
  if (!raw || !Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new ConfigError(['--year: give the calendar year, e.g. --year 2026']);
  }
  return year;
}

async function run(): Promise<void> {
  const year = parseYear(process.argv.slice(2));
  const result = await withCliDatabase(loadConfig(process.env), async (db) => {
    await migrateToLatest(db);
    return issueYearEndStatements(db, year);
  });
  process.stdout.write(
    `${year}: ${result.issued} statement(s) issued, ${result.alreadyIssued} already issued before, ` +
      `${result.withoutEmail} donor(s) without an email address.\n`,
  );
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
