import { defineCommand, runCliAsMain } from '../lib/cli';
import { migrateToLatest } from './knex';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
export const migrateCommand = defineCommand({
  name: 'migrate',
  description: 'Applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR (npm start also does this).',
  options: {},
  async run({ withDatabase, stdout }) {
    const applied = await withDatabase((db) => migrateToLatest(db), { migrate: false });
    stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n${applied.join('\n')}\n` : 'Already up to date.\n');
  },
});

if (require.main === module) runCliAsMain(migrateCommand);
