import type { Db } from '../db/knex';
import { csvDocument, type CsvValue } from '../lib/csv';
import { recordAudit } from './audit-queries';

/** A report's data table as its page model builds it for a file: numbers unformatted, money in major units. */
export interface ReportTable {
  filename: string;
  header: readonly string[];
  rows: readonly (readonly CsvValue[])[];
}

export interface ReportExport {
  /** The report's name in the audit log: "revenue", "members", "gifts-by-size", "sources". */
  report: string;
  /** The query that chose the rows (period, months, dimension), as the audit log keeps it. */
  filters: Record<string, string | number>;
  table: ReportTable;
  bom: boolean;
}

/**
 * A report's table as a CSV file (lib/csv.ts), recorded in the audit log
 * like every file taken out of the console: who, which report, which rows.
 * Report tables hold aggregates, never a donor's name, but what leaves the
 * console is on record all the same.
 */
export async function exportReport(db: Db, staffId: string, request: ReportExport): Promise<{ filename: string; body: string }> {
  await recordAudit(db, {
    actorId: staffId,
    action: 'report.exported',
    detail: { report: request.report, filters: request.filters, rows: request.table.rows.length },
  });
  return { filename: request.table.filename, body: csvDocument(request.table.header, request.table.rows, { bom: request.bom }) };
}
