import { migrationConfig } from './src/db/knex';

/**
 * For the knex CLI (`npx knex migrate:make name -x ts`). The app itself runs
 * migrations at start and through `npm run migrate`, which also handle the
 * embedded database.
 */
const config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: migrationConfig(),
};

export default config;
