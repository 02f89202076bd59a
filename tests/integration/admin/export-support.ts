import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { addDays, todayInTimeZone } from '../../../src/admin/report-period';
import type { TestApp } from '../../support/app';

export const ZONE = 'America/New_York';
export const DAY_MS = 86_400_000;

/** A date `days` before today in the organisation's zone, as the period fields take it. */
export const daysAgo = (days: number) => addDays(todayInTimeZone(new Date(), ZONE), -days);

export interface Download {
  status: number;
  headers: Record<string, string>;
  /** The body's bytes as sent (a BOM included). */
  bytes: Buffer;
  /** Each data row by column name, read by a real CSV parser (csv-parse). */
  rows: Record<string, string>[];
  /** The header row. */
  columns: string[];
}

/** GETs an export as the staff member of `cookie` and parses it; a non-CSV answer has no rows. */
export async function download(t: TestApp, cookie: string, url: string): Promise<Download> {
  const res = await request(t.app)
    .get(url)
    .set('Cookie', cookie)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
  const bytes = res.body as Buffer;
  const isCsv = res.status === 200 && String(res.headers['content-type']).startsWith('text/csv');
  const records: string[][] = isCsv ? parse(bytes, { bom: true, relax_column_count: false }) : [];
  const [columns = [], ...data] = records;
  return {
    status: res.status,
    headers: res.headers as Record<string, string>,
    bytes,
    columns,
    rows: data.map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i]!]))),
  };
}

/** Minor units from a "25.00" cell. */
export const minor = (cell: string | undefined) => Math.round(Number(cell) * 100);

/** The newest audit entries about exports. */
export function exportAudit(t: TestApp) {
  return t.db('audit_log').where({ subject_type: 'export' }).orderBy('id').select('admin_user_id', 'action', 'subject_id', 'detail');
}
