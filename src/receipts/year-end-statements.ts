import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { enqueueEmail } from '../mail/email-outbox';

/**
 * Year-end giving statements: one per donor who gave in a calendar year,
 * listing every gift of the year (one-time and recurring) as its receipt in
 * force says it, so refunds are already netted (a partial refund's correction
 * replaced the original; a fully refunded gift has no receipt in force).
 */

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

/** The receipts in force for a donor's gifts of `year` (receipt years follow the organisation's calendar). */
export async function statementGifts(db: Db, donorId: string, year: number): Promise<StatementGift[]> {
  return db('receipts as r')
    .join('donations as d', 'd.id', 'r.donation_id')
    .where({ 'r.donor_id': donorId, 'r.year': year })
    .whereNull('r.voided_at')
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

export interface YearEndResult {
  issued: number;
  alreadyIssued: number;
  /** Donors with gifts but no email address: statement recorded, nothing to send. */
  withoutEmail: number;
}

/**
 * Issues the statements of `year` that have not been issued yet. Each donor is
 * its own short transaction (statement row + outbox row together), so a crash
 * part-way leaves finished donors finished and a rerun completes the rest.
 */
export async function issueYearEndStatements(db: Knex, year: number): Promise<YearEndResult> {
  const alreadyIssued = Number((await db('year_end_statements').where({ year }).count({ n: '*' }))[0]!.n);
  // Donors already sent this year's statement are left out here, so the
  // scheduled run is cheap on every day after the first.
  const donors: { donor_id: string }[] = await db('receipts as r')
    .where({ 'r.year': year })
    .whereNull('r.voided_at')
    .whereNotNull('r.donor_id')
    .whereNotExists(db('year_end_statements as s').whereRaw('s.donor_id = r.donor_id').andWhere('s.year', year))
    .distinct('r.donor_id')
    .orderBy('r.donor_id');
  const result: YearEndResult = { issued: 0, alreadyIssued, withoutEmail: 0 };
  for (const { donor_id: donorId } of donors) {
    const outcome = await db.transaction((trx) => issueStatement(trx, donorId, year));
    if (outcome === 'already') result.alreadyIssued += 1;
    else {
      result.issued += 1;
      if (outcome === 'no-email') result.withoutEmail += 1;
    }
  }
  return result;
}

async function issueStatement(trx: Knex.Transaction, donorId: string, year: number): Promise<'sent' | 'no-email' | 'already'> {
  const gifts = await statementGifts(trx, donorId, year);
  if (gifts.length === 0) return 'already';
  const [statement] = await trx('year_end_statements')
    .insert({
      donor_id: donorId,
      year,
      currency: gifts[0]!.currency,
      gift_count: gifts.length,
      total: gifts.reduce((sum, g) => sum + g.amount, 0),
      deductible_total: gifts.reduce((sum, g) => sum + g.deductible_amount, 0),
    })
    .onConflict(['donor_id', 'year'])
    .ignore()
    .returning('id');
  if (!statement) return 'already';
  const donor: { email: string | null; anonymized_at: Date | null } | undefined = await trx('donors')
    .where({ id: donorId })
    .first('email', 'anonymized_at');
  if (!donor?.email || donor.anonymized_at) return 'no-email';
  await enqueueEmail(trx, {
    to: donor.email,
    template: 'year-end-statement',
    data: { statement_id: statement.id },
    dedupeKey: `year-end:${year}:${donorId}`,
  });
  return 'sent';
}
