import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { statementReceipts } from '../../receipts/year-end-queries';
import { addressColumns, dateColumn, moneyColumn, textColumn } from './export-sql';

/**
 * year-end.csv: per donor, the year as their year-end statement states it
 * (receipts/year-end-statements.ts, year-end-view.ts): the receipts in force
 * of the year, their total, the value of goods or services given for them,
 * and the deductible total (each receipt's amount less that value: IRS
 * Publication 1771). The currency is the first gift's, as on the statement.
 * A statement already issued keeps the figures it was issued with; they are
 * shown beside today's, so a refund since then stands out.
 */
export interface YearEndExportCriteria {
  year: number;
  timezone: string;
}

export function yearEndExportQuery(db: Db, criteria: YearEndExportCriteria): Knex.QueryBuilder {
  const perDonor = statementReceipts(db, criteria.year)
    .whereNotNull('r.donor_id')
    .groupBy('r.donor_id')
    .select(
      'r.donor_id',
      db.raw('(array_agg(r.currency order by r.contributed_at, r.number))[1] as currency'),
      db.raw('count(*) as gifts'),
      db.raw('sum(r.amount) as total'),
      db.raw('sum(r.goods_value) as goods_value'),
      db.raw('sum(r.deductible_amount) as deductible_total'),
    );
  return db
    .from(perDonor.as('s'))
    .join('donors as d', 'd.id', 's.donor_id')
    .leftJoin('year_end_statements as ys', (join) => join.on('ys.donor_id', 's.donor_id').andOnVal('ys.year', criteria.year))
    .orderByRaw('lower(coalesce(d.name, d.email)), d.id')
    .select(
      's.donor_id',
      textColumn(db, 'd.name', 'name'),
      textColumn(db, 'd.email', 'email'),
      ...addressColumns(db, 'd.address'),
      db.raw('? as year', [criteria.year]),
      db.raw('upper(s.currency) as currency'),
      's.gifts',
      moneyColumn(db, 's.total', 'total'),
      moneyColumn(db, 's.goods_value', 'goods_value'),
      moneyColumn(db, 's.deductible_total', 'deductible_total'),
      dateColumn(db, 'ys.issued_at', criteria.timezone, 'statement_issued'),
      moneyColumn(db, 'ys.deductible_total', 'statement_deductible_total'),
    );
}
