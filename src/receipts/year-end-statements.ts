import type { Knex } from 'knex';
import { findDonorMailbox } from '../donors/donor-queries';
import { enqueueEmail } from '../mail/outbox-queries';
import { countStatementsOfYear, donorsAwaitingStatement, insertStatement, statementGifts } from './year-end-queries';

/**
 * Year-end giving statements: one per donor who gave in a calendar year,
 * listing every gift of the year (one-time and recurring) as its receipt in
 * force says it, so refunds are already netted (a partial refund's correction
 * replaced the original; a fully refunded gift has no receipt in force).
 */

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
  const alreadyIssued = await countStatementsOfYear(db, year);
  const donors = await donorsAwaitingStatement(db, year);
  const result: YearEndResult = { issued: 0, alreadyIssued, withoutEmail: 0 };
  for (const donorId of donors) {
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
  const statementId = await insertStatement(trx, {
    donor_id: donorId,
    year,
    currency: gifts[0]!.currency,
    gift_count: gifts.length,
    total: gifts.reduce((sum, g) => sum + g.amount, 0),
    deductible_total: gifts.reduce((sum, g) => sum + g.deductible_amount, 0),
  });
  if (!statementId) return 'already';
  const to = await findDonorMailbox(trx, donorId);
  if (!to) return 'no-email';
  await enqueueEmail(trx, {
    to,
    template: 'year-end-statement',
    data: { statement_id: statementId },
    dedupeKey: `year-end:${year}:${donorId}`,
  });
  return 'sent';
}
