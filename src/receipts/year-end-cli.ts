import { ConfigError, loadConfig } from '../config';
import { startEmbeddedPostgres } from '../db/embedded';
import { createDb, migrateToLatest } from '../db/knex';
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
  const config = loadConfig(process.env);
  const embedded = 'url' in config.database
    ? null
    : await startEmbeddedPostgres({ dataDir: config.database.embedded.dataDir, maxConnections: 4 });
  const db = createDb({ url: 'url' in config.database ? config.database.url : embedded!.url, poolMax: 2 });
  try {
    await migrateToLatest(db);
    const result = await issueYearEndStatements(db, year);
    process.stdout.write(
      `${year}: ${result.issued} statement(s) issued, ${result.alreadyIssued} already issued before, ` +
        `${result.withoutEmail} donor(s) without an email address.\n`,
    );
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
