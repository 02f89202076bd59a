import { once } from 'node:events';
import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { Submittable } from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';

/**
 * Streams `COPY (...) TO STDOUT` from PostgreSQL into `out` (an HTTP
 * response) on one connection taken from knex's pool, in constant memory:
 * pg-copy-streams pauses the database socket whenever `out` is full
 * (stream.pipeline carries the backpressure), so however many rows the query
 * has, only a few socket buffers of them are ever held here.
 *
 * When the reader goes away before the end, the copy is stopped, not left to
 * finish into a dead socket: the connection is closed (knex's pool sees it
 * ended and discards it) and the backend is cancelled by its process id from
 * another connection (pg_cancel_backend): a query still sorting or waiting on
 * a lock would not notice the closed socket until it next wrote to it.
 */

/** What the copy needs of a pg Client; pg's types leave out `processID`. */
interface PgConnection {
  processID: number | null;
  query(query: Submittable): unknown;
  end(): Promise<void>;
}

export interface CopyOutcome {
  /** Rows written, from COPY's command tag (the header row not counted); null when the copy did not finish. */
  rows: number | null;
  /** The reader went away before the end. */
  aborted: boolean;
}

/**
 * `through` reshapes the bytes on their way (lib/csv.ts copiedCsv: CRLF
 * records, the byte-order mark). Nothing is written to `out` until the first
 * bytes of the file arrive, so a query that fails at once (or waits) leaves
 * `out` untouched: the caller can still answer with an error page. After a
 * whole copy `out` is left open for the caller to end.
 */
export async function copyToStream(db: Knex, copySql: string, out: Writable, through: Transform): Promise<CopyOutcome> {
  const readerGone = new AbortController();
  const onClose = () => {
    if (!out.writableFinished) readerGone.abort();
  };
  out.once('close', onClose);
  try {
    const connection = (await db.client.acquireConnection()) as PgConnection;
    // Gone while we waited for a connection: the query is not even started.
    if (readerGone.signal.aborted || out.destroyed) {
      await db.client.releaseConnection(connection);
      return { rows: null, aborted: true };
    }
    return await copyOn(db, connection, copySql, out, through, readerGone.signal);
  } finally {
    out.off('close', onClose);
  }
}

async function copyOn(db: Knex, connection: PgConnection, copySql: string, out: Writable, through: Transform, readerGone: AbortSignal): Promise<CopyOutcome> {
  const copy = copyTo(copySql);
  const query = watch(copy);
  // Errors reach us through `once`, pipeline and `settled`; this listener only
  // keeps a late one (the connection closing after an abort) from going unhandled.
  copy.on('error', () => undefined);
  connection.query(copy);

  try {
    // The first bytes (the header row): until then the query may still fail, or wait on a lock.
    await once(copy, 'readable', { signal: readerGone });
    // `out` is left open: the caller ends it once the export is on record.
    await pipeline(copy, through, out, { end: false });
    // The file is complete at CopyDone; the row count comes with the command tag just after it.
    await query.settled;
  } catch (error) {
    // Decided before closing the connection, which fails the copy in its turn.
    const aborted = readerGone.aborted && !query.failedInDatabase();
    const pid = connection.processID;
    await discard(db, connection);
    if (!aborted) throw error;
    if (pid !== null) await cancelBackend(db, pid);
    return { rows: null, aborted: true };
  }
  await db.client.releaseConnection(connection);
  return { rows: copy.rowCount, aborted: false };
}

/**
 * What PostgreSQL says of the copy, through the hooks pg calls on the active
 * query (pg-copy-streams leaves handleReadyForQuery empty): `settled` resolves
 * at ReadyForQuery (the connection is idle again and `rowCount` is set) and
 * rejects on the query's error; `failedInDatabase` tells such an error from
 * the one pipeline gives every stream when the reader goes away.
 */
function watch(copy: CopyToStreamQuery): { settled: Promise<void>; failedInDatabase(): boolean } {
  const hooks = copy as unknown as { handleReadyForQuery(): void; handleError(error: Error): void };
  const ready = hooks.handleReadyForQuery.bind(copy);
  const failed = hooks.handleError.bind(copy);
  let failedInDatabase = false;
  const settled = new Promise<void>((resolve, reject) => {
    hooks.handleReadyForQuery = () => {
      ready();
      resolve();
    };
    hooks.handleError = (error) => {
      failedInDatabase = true;
      reject(error);
      failed(error);
    };
  });
  // Awaited only after a clean end; a failure is reported by `once` or pipeline first.
  settled.catch(() => undefined);
  return { settled, failedInDatabase: () => failedInDatabase };
}

/**
 * Closes a connection that may be mid-copy and gives it back: knex marks an
 * ended connection disposed, and the pool destroys it instead of lending it
 * again. Never reused, so nothing of this copy can reach another request.
 */
async function discard(db: Knex, connection: PgConnection): Promise<void> {
  try {
    await connection.end();
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** Stops the backend's query, if it still runs (a backend whose socket closed mid-write has usually ended already). */
async function cancelBackend(db: Knex, pid: number): Promise<void> {
  await db.raw('select pg_cancel_backend(?)', [pid]);
}
