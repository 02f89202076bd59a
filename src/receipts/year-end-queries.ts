import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface StatementGift {
  receipt_id: string;
  receipt_number: string;
  donation_id: string;
  frequency: string;
  contributed_at: Date;
  currency: string;
  amount: number;
  goods_value: number;
  goods_description: string | null;
  deductible_amount: number;
}

/**
 * What a year-end statement counts: the receipts in force (`r`) of `year`
 * (receipt years follow the organisation's calendar). A refund voided or
 * replaced the receipt it changed, so refunds are already netted. The
 * statements and the year-end export (src/admin/exports/) both start here.
 */
export function statementReceipts(db: Db, year: number): Knex.QueryBuilder {
  return db('receipts as r').where('r.year', year).whereNull('r.voided_at');
}

/** The receipts in force for a donor's gifts of `year`. */
export async function statementGifts(db: Db, donorId: string, year: number): Promise<StatementGift[]> {
  return statementReceipts(db, year)
    .join('donations as d', 'd.id', 'r.donation_id')
    .where('r.donor_id', donorId)
    .orderBy([{ column: 'r.contributed_at' }, { column: 'r.number' }])
    .select(
      'r.id as receipt_id',
      'r.number as receipt_number',
      'r.donation_id',
      'd.frequency',
      'r.contributed_at',
      'r.currency',
      'r.amount',
      'r.goods_value',
      'r.goods_description',
      'r.deductible_amount',
    );
}

export async function countStatementsOfYear(db: Db, year: number): Promise<number> {
  const [row] = await db('year_end_statements').where({ year }).count({ n: '*' });
  return Number(row?.n ?? 0);
}

/**
 * Donors with a receipt in force in `year` and no statement for it yet. Those
 * already sent one are left out here, so the scheduled run is cheap on every
 * day after the first.
 */
export async function donorsAwaitingStatement(db: Db, year: number): Promise<string[]> {
  const rows: { donor_id: string }[] = await db('receipts as r')
    .where({ 'r.year': year })
    .whereNull('r.voided_at')
    .whereNotNull('r.donor_id')
    .whereNotExists(db('year_end_statements as s').whereRaw('s.donor_id = r.donor_id').andWhere('s.year', year))
    .distinct('r.donor_id')
    .orderBy('r.donor_id');
  return rows.map((r) => r.donor_id);
}

export interface StatementRow {
  id: string;
  donor_id: string;
  year: number;
  currency: string;
  gift_count: number;
  total: number;
  deductible_total: number;
  issued_at: Date;
}

/** Records a donor's statement of a year once; null when it already exists. */
export async function insertStatement(db: Db, statement: Omit<StatementRow, 'id' | 'issued_at'>): Promise<string | null> {
  const [row] = await db('year_end_statements').insert(statement).onConflict(['donor_id', 'year']).ignore().returning('id');
  return (row as { id: string } | undefined)?.id ?? null;
}

export async function findStatement(db: Db, id: string): Promise<StatementRow | undefined> {
  return db('year_end_statements').where({ id }).first();
}
