import { Client } from 'pg';

/**
 * Database helpers for the benchmark: a fresh database for each server run,
 * and row counts to check that what the app answered is what it stored.
 */

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 30_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops and recreates the database named in `url`. Only for databases whose
 * name says they are for benchmarks, so a mistyped URL cannot wipe real data.
 */
export async function recreateBenchDatabase(url: string): Promise<string> {
  const name = databaseName(url);
  if (!/bench/i.test(name)) {
    throw new Error(`refusing to recreate database "${name}": its name must contain "bench" (or pass --keep-db)`);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (client) => {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    await client.query(`drop database if exists ${quoted} with (force)`);
    await client.query(`create database ${quoted}`);
  });
  return name;
}

export async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
}

export interface RowCounts {
  donationsByStatus: Record<string, number>;
  donationsWithSession: number;
  stripeEvents: number;
  stripeEventsProcessed: number;
  /** Total on-disk size of the database, bytes (pg_database_size). */
  databaseBytes: number | null;
}

export async function rowCounts(url: string): Promise<RowCounts> {
  return withClient(url, async (client) => {
    const byStatus = await client.query<{ status: string; n: string }>(
      'select status, count(*)::text as n from donations group by status order by status',
    );
    const withSession = await client.query<{ n: string }>(
      'select count(*)::text as n from donations where stripe_checkout_session_id is not null',
    );
    const events = await client.query<{ n: string; processed: string }>(
      'select count(*)::text as n, count(processed_at)::text as processed from stripe_events',
    );
    let databaseBytes: number | null;
    try {
      const size = await client.query<{ bytes: string }>('select pg_database_size(current_database())::text as bytes');
      databaseBytes = Number(size.rows[0]?.bytes ?? NaN);
    } catch {
      databaseBytes = null;
    }
    const donationsByStatus: Record<string, number> = {};
    for (const row of byStatus.rows) donationsByStatus[row.status] = Number(row.n);
    return {
      donationsByStatus,
      donationsWithSession: Number(withSession.rows[0]?.n ?? 0),
      stripeEvents: Number(events.rows[0]?.n ?? 0),
      stripeEventsProcessed: Number(events.rows[0]?.processed ?? 0),
      databaseBytes,
    };
  });
}
