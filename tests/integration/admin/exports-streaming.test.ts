import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startStaffSession } from '../../../src/admin/staff-sessions';
import { copyToStream } from '../../../src/admin/exports/copy-to-stream';
import { inlinedSql } from '../../../src/admin/exports/export-sql';
import { copiedCsv } from '../../../src/lib/csv';
import { bootTestApp, type TestApp } from '../../support/app';
import { buildStaff } from '../../support/factories';
import { daysAgo, exportAudit, seedManyGifts } from './export-support';

/**
 * The exports stream: memory does not grow with the file, a reader who goes
 * away stops the database's work and gives the connection back, and a query
 * that fails before its first row leaves the response free for an error page.
 */
const EMBEDDED = process.env.SUSTAIN_TEST_EMBEDDED === '1';
const BIG = { count: 50_000, spanDays: 5, endDaysAgo: 2 };
const SMALL = { count: 500, spanDays: 1, endDaysAgo: 20 };
const bigPeriod = `from=${daysAgo(BIG.endDaysAgo + BIG.spanDays + 1)}&to=${daysAgo(BIG.endDaysAgo)}`;
const smallPeriod = `from=${daysAgo(SMALL.endDaysAgo + SMALL.spanDays + 1)}&to=${daysAgo(SMALL.endDaysAgo)}`;

interface Received {
  status: number;
  bytes: number;
  chunks: number;
  lastBytes: string;
}

/** GETs `url`, counting what arrives without keeping it (the test must not be the one holding the file). */
async function receive(url: string, cookie: string): Promise<Received> {
  const req = http.get(url, { headers: { cookie } });
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  let bytes = 0;
  let chunks = 0;
  let last: Buffer = Buffer.alloc(0);
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    chunks += 1;
    last = chunk;
  }
  return { status: res.statusCode!, bytes, chunks, lastBytes: last.subarray(-2).toString() };
}

/** Polls `check` until it holds (a bound, not a timing claim: it fails only if it never holds). */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function memoryKb(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Starts a new peak-RSS measurement (Linux: "5" resets VmHWM to the current RSS); false where refused. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

describe('exports streamed from the database', () => {
  let t: TestApp;
  let cookie: string;
  let staffId: string;
  beforeAll(async () => {
    t = await bootTestApp();
    await t.reset();
    await seedManyGifts(t, { ...BIG, donors: 2000, titleLength: 2500 });
    await seedManyGifts(t, { ...SMALL, donors: 2000, titleLength: 2500 });
    const staff = await buildStaff(t.db, { role: 'finance' });
    staffId = staff.id;
    cookie = `sustain_staff=${(await startStaffSession(t.db, staff.id)).token}`;
  }, 180_000);
  afterAll(() => t.close());

  it('holds memory flat however large the file: a 50,000-row file peaks no higher than a 500-row one, arriving in many chunks', async () => {
    const child: ChildProcess = fork(path.join(__dirname, 'export-app-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, JEST_WORKER_ID: process.env.JEST_WORKER_ID ?? '1' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      const [{ port }] = (await once(child, 'message')) as [{ port: number }];
      const base = `http://127.0.0.1:${port}/admin/exports/donations.csv`;
      // Warm up: code compiled, a pool connection open, settings cached.
      for (let i = 0; i < 3; i += 1) expect((await receive(`${base}?${smallPeriod}`, cookie)).status).toBe(200);

      const resets = resetPeak(child.pid!);
      const small = await receive(`${base}?${smallPeriod}`, cookie);
      const smallPeak = memoryKb(child.pid!).hwm;
      if (resets) resetPeak(child.pid!);
      const big = await receive(`${base}?${bigPeriod}`, cookie);
      const bigPeak = memoryKb(child.pid!).hwm;

      expect([small.status, big.status, big.lastBytes]).toEqual([200, 200, '\r\n']);
      // The big file is over a hundred times the small one and over 100 MB...
      expect(big.bytes).toBeGreaterThan(100 * small.bytes);
      expect(big.bytes).toBeGreaterThan(100 * 1024 * 1024);
      // ...arrived as a stream, not one write...
      expect(big.chunks).toBeGreaterThan(500);
      // ...and the app's peak memory while sending it stayed within 60 MB of its peak for the small one
      // (the young generation fills with passing chunks): holding the file, or half of it, would add more.
      const growthMb = (bigPeak - smallPeak) / 1024;
      expect(growthMb).toBeLessThan(60);
      const rows = (await exportAudit(t)).filter((e) => e.action === 'export.downloaded').map((e) => e.detail.rows);
      expect(rows.slice(-2)).toEqual([SMALL.count, BIG.count]);
    } finally {
      child.send('stop');
      await once(child, 'exit');
    }
  }, 180_000);

  it('stops when the reader goes away mid-file: an aborted entry, the connection back in the pool, the next file whole', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/exports/donations.csv`;
    try {
      const before = (await exportAudit(t)).length;
      const req = http.get(`${base}?${bigPeriod}`, { headers: { cookie } });
      req.on('error', () => undefined);
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      await once(res, 'data');
      // A reader who stops reading and closes the tab.
      res.pause();
      req.destroy();

      const entry = await eventually(async () => (await exportAudit(t)).slice(before).find((e) => e.action === 'export.aborted'), 'an export.aborted entry');
      expect(entry).toMatchObject({ admin_user_id: staffId, subject_id: 'donations.csv', detail: { reason: 'reader_disconnected', filters: { from: daysAgo(8) } } });
      // Every connection is back (the aborted one closed and discarded)...
      const pool = t.db.client.pool as { numUsed(): number; numPendingAcquires(): number };
      await eventually(async () => pool.numUsed() === 0 && pool.numPendingAcquires() === 0, 'an idle pool');
      // ...and the pool serves whole files again, more of them than it has connections.
      for (let i = 0; i < 6; i += 1) {
        const again = await receive(`${base}?${smallPeriod}`, cookie);
        expect([again.status, again.lastBytes]).toEqual([200, '\r\n']);
      }
      expect((await t.db.raw('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      server.close();
    }
  }, 60_000);

  // PGlite is one session: there is no lock for another connection to wait on, and no backend to cancel.
  if (!EMBEDDED) {
    it('cancels the query in PostgreSQL when the reader goes away while it still runs (waiting on a lock)', async () => {
      const server = t.app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const trx = await t.db.transaction();
      try {
        await trx.raw('lock table donations in access exclusive mode');
        const req = http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/exports/donations.csv?${smallPeriod}`, { headers: { cookie } });
        req.on('error', () => undefined);
        // The export's backend, waiting for our lock.
        const pid = await eventually(async () => {
          const { rows } = await t.db.raw("select pid from pg_locks where relation = 'donations'::regclass and not granted");
          return rows[0]?.pid as number | undefined;
        }, 'the export waiting on the lock');
        expect((await t.db.raw('select query from pg_stat_activity where pid = ?', [pid])).rows[0].query).toMatch(/^copy \(/);
        req.destroy();
        // Gone from pg_stat_activity while the lock is still held: cancelled, not left waiting.
        await eventually(async () => (await t.db.raw('select count(*)::int as n from pg_stat_activity where pid = ?', [pid])).rows[0].n === 0, 'the backend gone');
        await eventually(async () => (await exportAudit(t)).some((e) => e.action === 'export.aborted' && e.detail.filters.from === daysAgo(22)), 'an aborted entry');
      } finally {
        await trx.rollback();
        server.close();
      }
    }, 60_000);
  }

  it('leaves the response untouched and the pool whole when the query fails before its first row', async () => {
    const out = new PassThrough();
    await expect(copyToStream(t.db, 'copy (select 1 / (select count(*) - count(*) from donors)) to stdout with (format csv, header)', out, copiedCsv())).rejects.toThrow(/division by zero/);
    expect([out.destroyed, out.writableLength, out.readableLength]).toEqual([false, 0, 0]);
    const pool = t.db.client.pool as { numUsed(): number };
    expect(pool.numUsed()).toBe(0);
    expect((await t.db.raw('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('inlines filter values as escaped literals that PostgreSQL reads back unchanged', async () => {
    const nasty = ["o'brien", 'back\\slash', "'); drop table donors; --", 'what? $1 :name ??', 'tab\there', 'ünïcödé ✓'];
    const read = async (sql: string) => (await t.db.raw(sql.replace(/\?/g, '\\?'))).rows;
    for (const value of nasty) {
      expect(await read(inlinedSql(t.db, t.db.select(t.db.raw('?::text as value', [value]))))).toEqual([{ value }]);
    }
    // Arrays carry our own sets (statuses); knex would garble a control character in one, so none is let through.
    for (const value of nasty.filter((v) => !v.includes('\t'))) {
      expect(await read(inlinedSql(t.db, t.db.select(t.db.raw('?::text[] as list', [[value, 'x']]))))).toEqual([{ list: [value, 'x'] }]);
    }
    expect(() => inlinedSql(t.db, t.db.select(t.db.raw('?::text[] as list', [['tab\there']])))).toThrow(RangeError);
    const at = new Date('2026-03-08T07:30:00.000Z');
    const [{ at: readAt }] = await read(inlinedSql(t.db, t.db.select(t.db.raw('?::timestamptz as at', [at]))));
    expect((readAt as Date).toISOString()).toBe(at.toISOString());
    expect(await t.db('donors').count({ n: '*' }).first()).toEqual({ n: 2000 });
  });
});
