import type { Response } from 'express';
import type { Knex } from 'knex';
import { copiedCsv } from '../../lib/csv';
import { recordAudit } from '../audit-queries';
import { copyToStream } from './copy-to-stream';

export const EXPORT_FILES = ['donors.csv', 'donations.csv', 'memberships.csv', 'year-end.csv'] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export interface ExportRequest {
  file: ExportFile;
  /** The name the download is saved under, dated by its period or year. */
  filename: string;
  /** The whole `COPY (...) TO STDOUT` statement, values already escaped (export-sql.ts inlinedSql). */
  copySql: string;
  /** What the file was asked for (period, filters), as the audit log keeps it. */
  filters: Record<string, string | number | boolean>;
  bom: boolean;
}

/**
 * Sends one export as a CSV download, streamed from PostgreSQL, and writes it
 * to the audit log once every row has been sent (and before the response
 * ends): who, which file, its filters and how many rows; an export the reader
 * stopped (or the database failed) is recorded too, as aborted. Nothing else
 * is written.
 */
export async function streamExport(db: Knex, staffId: string, request: ExportRequest, res: Response): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${request.filename}"`);
  // Donor data: kept by no cache, the browser's included.
  res.setHeader('Cache-Control', 'no-store');

  const audit = (action: 'export.downloaded' | 'export.aborted', detail: Record<string, unknown>) =>
    recordAudit(db, { actorId: staffId, action, subjectType: 'export', subjectId: request.file, detail: { filters: request.filters, ...detail } });

  let outcome;
  try {
    outcome = await copyToStream(db, request.copySql, res, copiedCsv({ bom: request.bom }));
  } catch (error) {
    // Before the first row nothing was sent: the error page must not arrive as a CSV attachment.
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      res.removeHeader('Content-Type');
    }
    await audit('export.aborted', { reason: 'failed' });
    throw error;
  }
  if (outcome.aborted) {
    await audit('export.aborted', { reason: 'reader_disconnected' });
    return;
  }
  // The file ends only once it is on record: if the entry cannot be written,
  // the download fails (cut short) rather than leave without a trace.
  try {
    await audit('export.downloaded', { rows: outcome.rows });
  } catch (error) {
    res.destroy();
    throw error;
  }
  res.end();
}
