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

/**
 * `count` paid one-time gifts from `donors` donors, set-based (one insert per
 * table), spread over the `spanDays` days before `endDaysAgo`, each with a
 * story title of `titleLength` characters so the file is large without
 * millions of rows. The donor_totals trigger is off while loading: these
 * tests read donations only.
 */
export async function seedManyGifts(t: TestApp, options: { count: number; donors: number; spanDays: number; endDaysAgo: number; titleLength: number }) {
  await t.db.raw(
    `insert into donors (id, email, name)
     select md5('bulk-donor-' || n)::uuid, 'bulk' || n || '@example.org', 'Bulk Donor ' || n from generate_series(1, ?::int) n
     on conflict do nothing`,
    [options.donors],
  );
  await t.db.raw('alter table donations disable trigger user');
  try {
    await t.db.raw(
      `insert into donations (donor_id, status, frequency, currency, amount, amount_paid, paid_at, article_url, article_title, campaign)
       select md5('bulk-donor-' || (1 + n % ?::int))::uuid, 'succeeded', 'once', 'usd', 500 + n % 5000, 500 + n % 5000,
              now() - make_interval(days => ?::int) - make_interval(secs => (n::float8 / ?::int) * ?::int * 86400),
              'https://news.example.org/story-' || (n % 97), repeat('A long headline, with "quotes". ', ?::int), 'bulk'
       from generate_series(1, ?::int) n`,
      [options.donors, options.endDaysAgo, options.count, options.spanDays, Math.ceil(options.titleLength / 32), options.count],
    );
  } finally {
    await t.db.raw('alter table donations enable trigger user');
  }
}
