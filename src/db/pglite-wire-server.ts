import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { errorResponse, FrontendMessageReader, readyForQuery } from './pglite-wire-protocol';
import { SessionTurns, SessionWaitTimeout } from './pglite-session-turns';

/**
 * Serves one PGlite instance to several PostgreSQL wire-protocol clients
 * (knex's pg pool) over a loopback socket.
 *
 * This file and its two helpers (pglite-wire-protocol.ts, pglite-session-turns.ts)
 * stand in for @electric-sql/pglite-socket, whose 0.2.17 takes turns per
 * message rather than per exchange: node-postgres sends Parse/Bind/Execute/Sync
 * for every parameterised query, and when another client's Parse lands between
 * this client's Parse and Bind, the Bind runs the other client's statement
 * ("unnamed prepared statement does not exist", or other clients' rows; about
 * 4% of answers under tests/integration/db/concurrent-queries.test.ts).
 * Upstream: electric-sql/pglite#1046, fix in PR #977. Delete these three files
 * and use pglite-socket once it releases a version with that fix and the
 * concurrency test passes on it (run `npm test` with TEST_DATABASE_URL unset),
 * along with tests/integration/db/embedded-wire-server.test.ts, which checks
 * what this server adds: the 53300 refusal and the bounded wait.
 *
 * Here a client's messages are batched up to the next Sync, simple Query or
 * Flush and run as one unit, and a client that leaves a transaction open keeps
 * the session until it commits or rolls back (pglite-session-turns.ts).
 */

export interface WireServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export interface WireServerOptions {
  host?: string;
  port?: number;
  /** Connections beyond it are refused as PostgreSQL refuses them (53300), not queued. */
  maxConnections: number;
  /** How long a query may wait on another connection's idle transaction before it fails (55P03). */
  sessionWaitTimeoutMs?: number;
}

/** A refused client that never sends its startup message is not kept around. */
const REFUSED_STARTUP_TIMEOUT_MS = 5_000;

export async function startPgliteWireServer(db: PGlite, options: WireServerOptions): Promise<WireServer> {
  const turns = new SessionTurns(db, options.sessionWaitTimeoutMs ?? 10_000);
  const sockets = new Set<net.Socket>();
  let admitted = 0;
  let nextId = 1;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    if (admitted >= options.maxConnections) {
      socket.setTimeout(REFUSED_STARTUP_TIMEOUT_MS, () => socket.destroy());
      new ClientConnection(nextId++, socket, turns, { admitted: false });
      socket.on('close', () => sockets.delete(socket));
      return;
    }
    admitted += 1;
    const connection = new ClientConnection(nextId++, socket, turns, { admitted: true });
    socket.on('close', () => {
      sockets.delete(socket);
      admitted -= 1;
      void connection.closed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: address.address,
    port: address.port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await turns.idle();
    },
  };
}

/** Why a waiting client failed, and what to change in the code that made it wait. */
function sessionWaitError(error: SessionWaitTimeout, severity: 'ERROR' | 'FATAL') {
  return errorResponse({
    severity,
    code: '55P03',
    message: error.message,
    hint: 'The embedded database (PGlite) is one session, held by a transaction until it ends: inside a transaction, run every query through its trx.',
  });
}

class ClientConnection {
  private readonly reader = new FrontendMessageReader();
  private batch: Buffer[] = [];
  /** After an error in an exchange that ended with Flush, PostgreSQL skips the client's messages up to its Sync. */
  private skippingToSync = false;
  /** Once the server has said goodbye, nothing more the client sends may reach the session. */
  private ended = false;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly id: number,
    private readonly socket: net.Socket,
    private readonly turns: SessionTurns,
    private readonly limits: { admitted: boolean },
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
  }

  async closed(): Promise<void> {
    await this.work.catch(() => undefined);
    await this.turns.release(this.id);
  }

  private end(farewell?: Buffer): void {
    this.ended = true;
    if (farewell) this.socket.end(farewell);
    else this.socket.end();
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    for (let message = this.reader.next(); message && !this.ended; message = this.reader.next()) {
      switch (message.kind) {
        case 'encryption-request':
          this.socket.write('N');
          break;
        case 'cancel-request':
        case 'terminate':
          this.end();
          return;
        case 'startup':
          if (!this.limits.admitted) {
            this.end(errorResponse({ severity: 'FATAL', code: '53300', message: 'sorry, too many clients already' }));
            return;
          }
          this.flush([message.bytes], 'startup');
          break;
        case 'message':
          if (this.skippingToSync) {
            if (message.type === 'S') {
              this.skippingToSync = false;
              this.socket.write(readyForQuery('I'));
            }
            break;
          }
          this.batch.push(message.bytes);
          if (message.endsBatch) this.flush(this.batch.splice(0), message.type);
      }
    }
  }

  /** `end` is the message that closed the batch ('startup', or 'S', 'Q' or 'H'). */
  private flush(messages: Buffer[], end: string): void {
    const bytes = Buffer.concat(messages);
    this.work = this.work
      .then(() =>
        this.turns.run(this.id, bytes, (data) => {
          // Copied: PGlite hands out a view of its WASM memory and reuses it once
          // this returns, while a socket that is not draining keeps what it was
          // given to send later. Unbuffered, a result larger than the socket's
          // buffers (an export, a big page) reached the client overwritten.
          if (data.length > 0 && this.socket.writable) this.socket.write(Buffer.from(data));
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof SessionWaitTimeout) || !this.socket.writable) {
          this.socket.destroy();
        } else if (end === 'startup') {
          this.end(sessionWaitError(error, 'FATAL'));
        } else {
          // The session never ran this client's batch, so it is in no transaction of its own.
          this.socket.write(sessionWaitError(error, 'ERROR'));
          if (end === 'H') this.skippingToSync = true;
          else this.socket.write(readyForQuery('I'));
        }
      });
  }
}
