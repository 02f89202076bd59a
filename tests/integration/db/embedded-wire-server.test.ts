import net from 'node:net';
import pg from 'pg';
import { createDb } from '../../../src/db/knex';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';

/**
 * The wire server's own limits, on an embedded database of this file's own
 * (so they are tested on both CI runs, whatever TEST_DATABASE_URL says).
 */
const MAX_CONNECTIONS = 3;
const WAIT_LIMIT_MS = 1_000;

describe('the embedded database wire server', () => {
  let server: EmbeddedServer;
  const open: pg.Client[] = [];
  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    open.push(client);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    server = await startEmbeddedServer({ maxConnections: MAX_CONNECTIONS, sessionWaitTimeoutMs: WAIT_LIMIT_MS });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a connection over maxConnections with FATAL 53300, as PostgreSQL does, and admits one again after a client leaves', async () => {
    const clients = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect()));

    await expect(connect()).rejects.toMatchObject({ code: '53300', severity: 'FATAL', message: 'sorry, too many clients already' });
    expect((await clients[0]!.query('select 1 as n')).rows).toEqual([{ n: 1 }]);

    await clients[1]!.end();
    // The server counts the slot free when it sees the socket close, a moment after end() resolves.
    let next: pg.Client | undefined;
    for (let attempt = 0; attempt < 50 && !next; attempt += 1) {
      next = await connect().catch(async (error: { code?: string }) => {
        if (error.code !== '53300') throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return undefined;
      });
    }
    expect((await next!.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });

  it('runs nothing a refused client sends after its refusal', async () => {
    const clients = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect()));
    const { port, hostname } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(startupMessage());
    await new Promise((resolve) => socket.once('data', resolve));
    socket.write(queryMessage('create table sneaked_in (n int)'));
    await closed;

    expect(Buffer.concat(received).toString('latin1')).toMatch(/^E.*C53300\0/s);
    expect((await clients[0]!.query("select to_regclass('sneaked_in') as t")).rows).toEqual([{ t: null }]);
  });

  it("fails a query waiting behind another connection's idle transaction after the bound with 55P03, and leaves that transaction whole", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('begin');
    await a.query('create table held (n int)');

    const started = Date.now();
    const error = await b.query('begin').catch((e: unknown) => e);
    const waited = Date.now() - started;

    expect(error).toMatchObject({
      code: '55P03',
      message: expect.stringMatching(/^waited 1(\.\d)?s for another connection's transaction on the embedded database/),
    });
    expect(waited).toBeGreaterThanOrEqual(WAIT_LIMIT_MS);
    expect(waited).toBeLessThan(WAIT_LIMIT_MS + 1_500);
    await a.query('insert into held values (1)');
    await a.query('commit');
    expect((await b.query('select n from held')).rows).toEqual([{ n: 1 }]);
  });

  it('fails a transaction that awaits a query on another pooled connection, then serves the pool as before', async () => {
    const db = createDb({ url: server.url, poolMax: 2 });
    try {
      await db.raw('create table pooled (n int)');
      const started = Date.now();
      const outcome = db.transaction(async (trx) => {
        await trx('pooled').insert({ n: 1 });
        // The mistake src/README.md warns about: the global handle inside a transaction.
        await db('pooled').count();
      });

      await expect(outcome).rejects.toMatchObject({ code: '55P03' });
      expect(Date.now() - started).toBeLessThan(WAIT_LIMIT_MS + 1_500);
      expect(await db('pooled').pluck('n')).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("does not fail a wait while the other connection's transaction keeps working, however long it takes", async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('begin');
    const waiting = b.query('select 1 as n');
    const busyUntil = Date.now() + WAIT_LIMIT_MS * 1.5;
    while (Date.now() < busyUntil) await a.query('select pg_sleep(0.05)');
    await a.query('commit');

    expect((await waiting).rows).toEqual([{ n: 1 }]);
  });

  it('delivers a result larger than the socket buffers intact to a client that reads it slowly', async () => {
    const client = await connect();
    // About 40 MB: far more than a socket holds, so most of it waits in the server to be sent.
    const result = client.query(`select n, repeat(chr(65 + n % 26), 4000) as text from generate_series(1, 10000) n`);
    // The client is busy elsewhere while the server writes: nothing is read until this ends.
    const busyUntil = Date.now() + 300;
    while (Date.now() < busyUntil);
    const { rows } = await result;
    expect(rows).toHaveLength(10_000);
    expect(rows.every((row: { n: number; text: string }, i: number) => row.n === i + 1 && row.text === String.fromCharCode(65 + (row.n % 26)).repeat(4000))).toBe(true);
  }, 60_000);
});

function startupMessage(): Buffer {
  const body = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}

function queryMessage(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write('Q');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
