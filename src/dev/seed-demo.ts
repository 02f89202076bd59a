import type { Knex } from 'knex';
import { ConflictError, ValidationError } from '../lib/errors';
import { readSettings } from '../settings/settings';
import {
  countGivingRecords,
  countSeededRows,
  dropLoadConstraints,
  loadConstraints,
  prepareSeedSession,
  restoreLoadConstraints,
  replayConsoleRollups,
  setTrigger,
  userTriggers,
  vacuumSeededTables,
  type SeededCounts,
} from './seed-database-queries';
import { avoidExistingEmails, countFirstOneTimeGifts, insertDonors, stageDonors } from './seed-donor-queries';
import { insertAbandonedGifts, insertOneTimeGifts } from './seed-gift-queries';
import { insertAbandonedMemberships, insertMembershipPayments, insertMemberships, stageMemberships } from './seed-membership-queries';
import { buildSeedPlan, type SeedSizes } from './seed-plan';
import { insertDonorTotals, insertReceipts, insertYearEndStatements, updateReceiptCounters } from './seed-record-queries';

export type { SeedSizes } from './seed-plan';
export type { SeededCounts } from './seed-database-queries';
export { countSeededRows } from './seed-database-queries';

/**
 * `npm run seed:demo` and the staff console benchmark: two years of a
 * newsroom's giving, written set-based (one `insert … select` per kind of
 * row) in one transaction, so a failed run leaves nothing behind, not even a
 * trigger turned off. The rows are those the webhooks would have written
 * (see each step's file); what only the webhooks' bookkeeping holds (the
 * event ledger, sent mail, charge facts waiting for their payment) is left out.
 */

export interface SeedStep {
  name: string;
  ms: number;
  /** Rows written; for the last two steps, indexes and keys rebuilt, or nothing counted. */
  rows: number;
}

export interface SeedReport {
  steps: SeedStep[];
  totalMs: number;
  counts: SeededCounts;
}

export interface SeedProgressEvent {
  /** Steps finished so far, of `count`. */
  done: number;
  count: number;
  /** The step starting now, or null when all are done. */
  next: string | null;
  last: SeedStep | null;
}

export interface SeedDemoOptions {
  sizes: SeedSizes;
  now?: Date;
  /** Add to a database that already holds giving records (it refuses otherwise). */
  append?: boolean;
  onProgress?: (event: SeedProgressEvent) => void;
}

/**
 * The triggers a run knows how to stand in for; any other on a seeded table
 * makes it refuse rather than skip its effect. The row triggers on donations
 * and memberships (donor totals, yearly giving per currency, giving by hour)
 * are turned off for the load and their effect written once at the end; the
 * statement triggers on donors (a donor_totals row for each, the donor count)
 * run once per insert and stay on.
 */
const ROW_TRIGGERS = ['donations.donations_donor_totals', 'memberships.memberships_donor_totals'];
const STATEMENT_TRIGGERS = ['donors.donors_donor_totals', 'donors.donors_count_removed', 'donors.donors_count_truncated'];
/** Unpaid Checkout attempts: a few per hundred donations, as a donate page sees. */
const ABANDONED_GIFT_SHARE = 0.03;
const ABANDONED_MEMBERSHIP_SHARE = 0.08;

export const STEP_NAMES = [
  'drawing donors', 'writing donors', 'drawing memberships', 'writing memberships', 'membership payments', 'one-time gifts', 'unpaid checkouts',
  'issuing receipts', 'receipt counters', 'year-end statements', 'donor totals', 'indexes and keys', 'console rollups', 'vacuum analyze',
] as const;

function checkSizes(sizes: SeedSizes): void {
  const problems = [];
  if (!Number.isInteger(sizes.donors) || sizes.donors < 1) problems.push({ field: 'donors', message: 'must be a whole number, 1 or more' });
  if (!Number.isInteger(sizes.memberships) || sizes.memberships < 0 || sizes.memberships > sizes.donors) {
    problems.push({ field: 'memberships', message: 'must be between 0 and the number of donors' });
  }
  if (!Number.isInteger(sizes.donations) || sizes.donations < 0) problems.push({ field: 'donations', message: 'must be a whole number' });
  if (problems.length > 0) throw new ValidationError(problems, 'Those sizes will not work');
}

export async function seedDemo(db: Knex, options: SeedDemoOptions): Promise<SeedReport> {
  checkSizes(options.sizes);
  const existing = await countGivingRecords(db);
  if (!options.append && existing.donors + existing.donations + existing.memberships > 0) {
    throw new ConflictError(
      `The database already holds giving records (${existing.donors} donors, ${existing.donations} donations, ${existing.memberships} memberships); ` +
        'demo data goes into an empty one. Add --append to add demo donors beside them.',
    );
  }
  const now = options.now ?? new Date();
  const plan = buildSeedPlan({ now, settings: await readSettings(db), sizes: options.sizes, append: options.append ?? false });
  const steps: SeedStep[] = [];
  const started = process.hrtime.bigint();
  const step = async (name: (typeof STEP_NAMES)[number], work: () => Promise<number>) => {
    options.onProgress?.({ done: steps.length, count: STEP_NAMES.length, next: name, last: steps.at(-1) ?? null });
    const at = process.hrtime.bigint();
    const rows = await work();
    steps.push({ name, ms: Number(process.hrtime.bigint() - at) / 1e6, rows });
  };

  await db.transaction(async (trx) => {
    await prepareSeedSession(trx, plan.seed);
    const triggers = await userTriggers(trx);
    const named = (t: { table: string; name: string }) => `${t.table}.${t.name}`;
    const unknown = triggers.filter((t) => !ROW_TRIGGERS.includes(named(t)) && !STATEMENT_TRIGGERS.includes(named(t)));
    if (unknown.length > 0) {
      throw new Error(`seed:demo does not know what these triggers do, so cannot load around them: ${unknown.map(named).join(', ')}`);
    }
    const rowTriggers = triggers.filter((t) => ROW_TRIGGERS.includes(named(t)));
    // They recompute a donor's figures on every inserted row; their effect is written once at the end instead.
    for (const trigger of rowTriggers) await setTrigger(trx, trigger, false);
    // Loading into bare tables and building their indexes and keys once afterwards took 64 s for
    // 200,000 donors where keeping them took 199 s (docs/PERFORMANCE.md).
    const load = await loadConstraints(trx);
    await dropLoadConstraints(trx, load);

    await step('drawing donors', async () => {
      const rows = await stageDonors(trx, plan);
      if (options.append) await avoidExistingEmails(trx, plan);
      return rows;
    });
    await step('writing donors', () => insertDonors(trx, plan));
    await step('drawing memberships', () => stageMemberships(trx, plan));
    await step('writing memberships', async () => {
      const abandoned = Math.round(plan.sizes.memberships * ABANDONED_MEMBERSHIP_SHARE);
      return (await insertMemberships(trx, plan)) + (await insertAbandonedMemberships(trx, plan, abandoned));
    });
    let payments = 0;
    await step('membership payments', async () => (payments = await insertMembershipPayments(trx, plan)));
    const abandonedGifts = Math.round(plan.sizes.donations * ABANDONED_GIFT_SHARE);
    await step('one-time gifts', async () => {
      const firstGifts = await countFirstOneTimeGifts(trx);
      return insertOneTimeGifts(trx, plan, Math.max(0, plan.sizes.donations - payments - firstGifts - abandonedGifts));
    });
    await step('unpaid checkouts', () => insertAbandonedGifts(trx, plan, abandonedGifts));
    await step('issuing receipts', () => insertReceipts(trx, plan));
    await step('receipt counters', () => updateReceiptCounters(trx));
    await step('year-end statements', () => insertYearEndStatements(trx, plan));
    // One pass over all gifts; calling the trigger's refresh_donor_totals() per donor took 21 s instead of 2.5.
    await step('donor totals', () => insertDonorTotals(trx, plan));
    await step('indexes and keys', async () => {
      await restoreLoadConstraints(trx, load);
      return load.foreignKeys.length + load.uniques.length + load.indexes.length;
    });
    // Yearly giving per donor and currency, and giving by hour, as the triggers would have left them.
    await step('console rollups', () => replayConsoleRollups(trx, now));
    for (const trigger of rowTriggers) await setTrigger(trx, trigger, true);
  });
  await step('vacuum analyze', async () => {
    await vacuumSeededTables(db);
    return 0;
  });
  options.onProgress?.({ done: steps.length, count: STEP_NAMES.length, next: null, last: steps.at(-1) ?? null });
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { steps, totalMs, counts: await countSeededRows(db) };
}
