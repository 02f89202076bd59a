import type { Knex } from 'knex';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded';
import { createDb } from './knex';

/**
 * For one-off commands (`migrate`, `receipts:year-end`): a small pool on
 * DATABASE_URL, or the embedded database (which refuses to open while
 * `npm start` holds it, with a message saying so).
 */
export async function withCliDatabase<T>(config: Config, work: (db: Knex) => Promise<T>): Promise<T> {
  const embedded = 'url' in config.database
    ? null
    : await startEmbeddedPostgres({ dataDir: config.database.embedded.dataDir, maxConnections: 4 });
  const db = createDb({ url: 'url' in config.database ? config.database.url : embedded!.url, poolMax: 2 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}
