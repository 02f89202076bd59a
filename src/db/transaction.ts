import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * Runs `work` in a transaction, reusing the caller's transaction when there is
 * one so that services compose without nesting commits.
 */
export async function inTransaction<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Knex.Transaction);
  return (db as Knex).transaction(work);
}
