import type { Knex } from 'knex';
import type { Db } from '../db/knex';

/**
 * The seeding run's dealings with the database as a whole: whether it already
 * holds giving records, the triggers and indexes a bulk load works around,
 * statistics afterwards, and the counts a run reports.
 */

/** The tables a seeding run fills, in an order that respects their foreign keys. */
const SEEDED_TABLES = ['donors', 'memberships', 'donations', 'receipts', 'receipt_counters', 'year_end_statements', 'donor_totals'] as const;

export interface GivingRecords {
  donors: number;
  donations: number;
  memberships: number;
}

export async function countGivingRecords(db: Db): Promise<GivingRecords> {
  const { rows } = await db.raw(
    `select (select count(*) from donors) as donors, (select count(*) from donations) as donations,
            (select count(*) from memberships) as memberships`,
  );
  const row = rows[0] as Record<keyof GivingRecords, string | number>;
  return { donors: Number(row.donors), donations: Number(row.donations), memberships: Number(row.memberships) };
}

/**
 * The run's transaction: its random seed (the same data from the same seed),
 * room to sort and hash in memory, no statement timeout, and receipt
 * numbering elsewhere (an app issuing receipts on the same database) held
 * off until it commits, since its sequences continue the counters read now.
 */
export async function prepareSeedSession(trx: Knex.Transaction, seed: number): Promise<void> {
  await trx.raw('select setseed(?)', [seed]);
  await trx.raw("set local work_mem = '256MB'");
  await trx.raw("set local maintenance_work_mem = '256MB'");
  await trx.raw('set local statement_timeout = 0');
  // Compiling these wide expressions costs more than it saves: JIT took 0.7 s before the first row of a 20,000-row insert.
  await trx.raw('set local jit = off');
  await trx.raw('lock table receipt_counters in exclusive mode');
}

/** User triggers on the tables a run fills, by table: what the bulk load must either replay or refuse. */
export async function userTriggers(trx: Knex.Transaction): Promise<{ table: string; name: string }[]> {
  const { rows } = await trx.raw(
    `select c.relname as table, t.tgname as name
     from pg_trigger t join pg_class c on c.oid = t.tgrelid
     where not t.tgisinternal and t.tgrelid = any(?::regclass[])
     order by 1, 2`,
    [[...SEEDED_TABLES]],
  );
  return rows;
}

/** Turns one trigger on a seeded table off or on; inside the run's transaction, so a failed run never leaves it off. */
export async function setTrigger(trx: Knex.Transaction, trigger: { table: string; name: string }, enabled: boolean): Promise<void> {
  await trx.raw(`alter table ?? ${enabled ? 'enable' : 'disable'} trigger ??`, [trigger.table, trigger.name]);
}

/**
 * What the row triggers on donations and memberships would have kept for the
 * console (migrations 20261201000000 and 20261201000100), replayed once after
 * a bulk load with them off: each seeded donor's yearly giving per currency,
 * by the triggers' own function as of `asOf`, then every hour's sums, rebuilt
 * from all donations. Needs the donations index on donor_id (run it after
 * the indexes are rebuilt). Returns the donors refreshed.
 */
export async function replayConsoleRollups(trx: Knex.Transaction, asOf: Date): Promise<number> {
  const { rows } = await trx.raw('select refresh_donor_currency_totals(s.id, ?) from seed_donor s', [asOf]);
  await trx.raw('select rebuild_giving_hours()');
  return rows.length;
}

/**
 * What keeps a table consistent row by row, and is cheaper checked once for
 * all its rows: foreign keys (each inserted row looks up its parent) and
 * unique and other indexes (each row lands somewhere in each B-tree; with
 * random ids and a million rows, mostly outside the buffer cache). Primary
 * keys stay: other tables' foreign keys lean on them.
 */
export interface LoadConstraints {
  foreignKeys: { table: string; name: string; definition: string }[];
  uniques: { table: string; name: string; definition: string }[];
  indexes: { name: string; definition: string }[];
}

/** The foreign keys, unique constraints and other secondary indexes of the seeded tables, with what rebuilds each. */
export async function loadConstraints(trx: Knex.Transaction): Promise<LoadConstraints> {
  const tables = [...SEEDED_TABLES];
  const { rows: constraints } = await trx.raw(
    `select c.conrelid::regclass::text as table, c.conname as name, c.contype as type, pg_get_constraintdef(c.oid) as definition
     from pg_constraint c where c.conrelid = any(?::regclass[]) and c.contype = ANY(?) order by 1, 2`,
    [tables, ['f', 'u']],
  );
  const { rows: indexes } = await trx.raw(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i where i.indrelid = any(?::regclass[]) and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
     order by 1`,
    [tables],
  );
  const of = (type: string) => (constraints as { type: string; table: string; name: string; definition: string }[])
    .filter((c) => c.type === type)
    .map(({ table, name, definition }) => ({ table, name, definition }));
  return { foreignKeys: of('f'), uniques: of('u'), indexes };
}

/** Drops them: foreign keys first, so no unique constraint is still needed by one. */
export async function dropLoadConstraints(trx: Knex.Transaction, load: LoadConstraints): Promise<void> {
  for (const c of [...load.foreignKeys, ...load.uniques]) await trx.raw('alter table ?? drop constraint ??', [c.table, c.name]);
  for (const index of load.indexes) await trx.raw('drop index ??', [index.name]);
}

/** Builds them again as they were, each in one pass over its table; a violation fails the run, which rolls back whole. */
export async function restoreLoadConstraints(trx: Knex.Transaction, load: LoadConstraints): Promise<void> {
  for (const index of load.indexes) await trx.raw(index.definition);
  for (const c of [...load.uniques, ...load.foreignKeys]) {
    await trx.raw(`alter table ?? add constraint ?? ${c.definition}`, [c.table, c.name]);
  }
}

/**
 * Fresh statistics and visibility maps for what was loaded, as autovacuum
 * would leave a live database: without them the console's first queries are
 * planned for empty tables. Runs outside any transaction.
 */
export async function vacuumSeededTables(db: Knex): Promise<void> {
  await db.raw(`vacuum (analyze) ${SEEDED_TABLES.join(', ')}`);
}

export interface SeededCounts {
  donors: number;
  donations: Record<string, number>;
  donationsByFrequency: Record<string, number>;
  membershipDonations: number;
  memberships: Record<string, number>;
  receipts: number;
  smithDonors: number;
  databaseBytes: number;
}

/** What the database holds after a run, for its report (and the staff console benchmark's). */
export async function countSeededRows(db: Db): Promise<SeededCounts> {
  const grouped = async (sql: string) => {
    const { rows } = await db.raw(sql);
    return Object.fromEntries((rows as { k: string; n: string }[]).map((r) => [r.k, Number(r.n)]));
  };
  const one = async (sql: string) => Number(((await db.raw(sql)).rows[0] as { n: string } | undefined)?.n ?? 0);
  return {
    donors: await one('select count(*) as n from donors'),
    donations: await grouped('select status as k, count(*) as n from donations group by 1 order by 2 desc, 1'),
    donationsByFrequency: await grouped('select frequency as k, count(*) as n from donations group by 1 order by 2 desc, 1'),
    membershipDonations: await one('select count(*) as n from donations where membership_id is not null'),
    memberships: await grouped(
      "select status || case when cancel_at_period_end and ended_at is null then ' (cancelling)' else '' end as k, count(*) as n from memberships group by 1 order by 2 desc, 1",
    ),
    receipts: await one('select count(*) as n from receipts'),
    smithDonors: await one("select count(*) as n from donors where email ilike '%smith%' or name ilike '%smith%'"),
    databaseBytes: await one('select pg_database_size(current_database()) as n'),
  };
}
