import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite instance to several PostgreSQL wire-protocol clients
 * (knex's pg pool) over a loopback socket.
 *
 * PGlite is a single backend session, so clients must take turns, and the
 * turn must be a whole protocol exchange, not a single message: node-postgres
 * sends Parse/Bind/Execute/Sync for every parameterised query, and if another
 * client's Parse lands between this client's Parse and Bind, the Bind runs
 * the other client's statement (seen under load with pglite-socket 0.2.17,
 * which interleaves per message: "unnamed prepared statement does not exist",
 * or worse, a wrong statement). Here a client's messages are batched up to
 * the next Sync or simple Query and run as one unit, and a client that leaves
 * a transaction open keeps the turn until it commits or rolls back.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Messages after which the client waits for the server: the end of a unit of work. */
const BATCH_END = new Set(['S', 'Q', 'H']);

export interface WireServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPgliteWireServer(
  db: PGlite,
  options: { host?: string; port?: number; maxConnections: number },
): Promise<WireServer> {
  const turns = new TurnTaking(db);
  const sockets = new Set<net.Socket>();
  let nextId = 1;

  const server = net.createServer((socket) => {
    if (sockets.size >= options.maxConnections) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const connection = new ClientConnection(nextId++, socket, turns);
    socket.on('close', () => {
      sockets.delete(socket);
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

interface Batch {
  client: number;
  bytes: Uint8Array;
  onData: (chunk: Uint8Array) => void;
  done: (error?: unknown) => void;
}

/**
 * One batch runs at a time, in arrival order, except that a client inside a
 * transaction owns the session: only its batches run until it ends the
 * transaction (others wait; they are not lost).
 */
class TurnTaking {
  private owner: number | null = null;
  private busy = false;
  private queue: Batch[] = [];
  private drained: (() => void)[] = [];

  constructor(private readonly db: PGlite) {}

  run(client: number, bytes: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ client, bytes, onData, done: (error) => (error === undefined ? resolve() : reject(error)) });
      void this.pump();
    });
  }

  /** A client went away, perhaps mid-transaction: roll back so the others can go on. */
  async release(client: number): Promise<void> {
    this.queue = this.queue.filter((batch) => {
      if (batch.client !== client) return true;
      batch.done(new Error('client disconnected'));
      return false;
    });
    if (this.owner !== client || this.busy) return;
    this.busy = true;
    try {
      await this.db.exec('rollback');
    } finally {
      this.owner = null;
      this.busy = false;
      void this.pump();
    }
  }

  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    const index = this.owner === null ? 0 : this.queue.findIndex((batch) => batch.client === this.owner);
    if (index < 0 || index >= this.queue.length) {
      for (const wake of this.drained.splice(0)) wake();
      return;
    }
    const [batch] = this.queue.splice(index, 1) as [Batch];
    this.busy = true;
    try {
      await this.db.execProtocolRawStream(batch.bytes, { onRawData: batch.onData });
      this.owner = this.db.isInTransaction() ? batch.client : null;
      batch.done();
    } catch (error) {
      batch.done(error);
    } finally {
      this.busy = false;
      void this.pump();
    }
  }
}

class ClientConnection {
  private buffer = Buffer.alloc(0);
  private batch: Buffer[] = [];
  private started = false;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly id: number,
    private readonly socket: net.Socket,
    private readonly turns: TurnTaking,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
  }

  async closed(): Promise<void> {
    await this.work.catch(() => undefined);
    await this.turns.release(this.id);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const message = this.started ? this.nextMessage() : this.nextStartupMessage();
      if (!message) return;
      if (message === 'handled') continue;
      this.batch.push(message.bytes);
      if (message.endsBatch) this.flush();
    }
  }

  private nextStartupMessage(): { bytes: Buffer; endsBatch: boolean } | 'handled' | null {
    if (this.buffer.length < 8) return null;
    const length = this.buffer.readInt32BE(0);
    if (this.buffer.length < length) return null;
    const code = this.buffer.readInt32BE(4);
    const bytes = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N');
      return 'handled';
    }
    if (code === CANCEL_REQUEST) {
      this.socket.destroy();
      return 'handled';
    }
    this.started = true;
    return { bytes: Buffer.from(bytes), endsBatch: true };
  }

  private nextMessage(): { bytes: Buffer; endsBatch: boolean } | null {
    if (this.buffer.length < 5) return null;
    const length = this.buffer.readInt32BE(1) + 1;
    if (this.buffer.length < length) return null;
    const bytes = Buffer.from(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    const type = String.fromCharCode(bytes[0]!);
    if (type === 'X') {
      this.socket.end();
      return null;
    }
    return { bytes, endsBatch: BATCH_END.has(type) };
  }

  private flush(): void {
    const bytes = Buffer.concat(this.batch);
    this.batch = [];
    this.work = this.work
      .then(() =>
        this.turns.run(this.id, bytes, (data) => {
          if (data.length > 0 && this.socket.writable) this.socket.write(data);
        }),
      )
      .catch(() => {
        this.socket.destroy();
      });
  }
}
