import { defineCommand, runCliAsMain, UsageError } from '../lib/cli';
import { issueYearEndStatements } from './year-end-statements';

/**
 * `npm run receipts:year-end -- --year 2026`: issues the year's giving
 * statements now (they are also scheduled for early January). Safe to run
 * again: donors who already have their statement are skipped. The emails are
 * queued; the worker (in `npm start` or `npm run worker`) sends them.
 */
export const yearEndCommand = defineCommand({
  name: 'receipts:year-end',
  description:
    "Issues the year's giving statements now and queues their emails. Running it again sends nothing new: donors who have their statement are skipped.",
  options: {
    year: { type: 'string', value: 'YEAR', required: true, help: 'the calendar year, e.g. 2026' },
  },
  async run({ values, withDatabase, stdout }) {
    const year = Number(values.year);
    if (!/^\d{4}$/.test(values.year) || year < 2000 || year > 2100) throw new UsageError('--year: give the calendar year, e.g. --year 2026');
    const result = await withDatabase((db) => issueYearEndStatements(db, year));
    stdout.write(
      `${year}: ${result.issued} statement(s) issued, ${result.alreadyIssued} already issued before, ` +
        `${result.withoutEmail} donor(s) without an email address.\n`,
    );
  },
});

if (require.main === module) runCliAsMain(yearEndCommand);
