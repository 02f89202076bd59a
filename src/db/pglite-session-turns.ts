import type { PGlite } from '@electric-sql/pglite';

/**
 * A client's query waited for the session while another connection held it in
 * an idle transaction. With one session that is usually a deadlock in the
 * app (a transaction awaiting a query outside it), which a real server would
 * not have, so the wait ends in an error instead of hanging every client.
 */
export class SessionWaitTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${Number((waitedMs / 1000).toFixed(1))}s for another connection's transaction on the embedded database`);
    this.name = 'SessionWaitTimeout';
  }
}

interface Batch {
  client: number;
  bytes: Uint8Array;
  queuedAt: number;
  onData: (chunk: Uint8Array) => void;
  done: (error?: unknown) => void;
}

/**
 * One batch runs at a time, in arrival order, except that a client inside a
 * transaction owns the session: only its batches run until it ends the
 * transaction (others wait; they are not lost). A wait fails once the owner
 * has been idle for `waitLimitMs` of it: an owner that keeps running
 * statements is making progress, however long its transaction takes.
 */
export class SessionTurns {
  private owner: number | null = null;
  private ownerIdleSince = 0;
  private busy = false;
  private queue: Batch[] = [];
  private drained: (() => void)[] = [];
  private waitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly waitLimitMs: number,
  ) {}

  run(client: number, bytes: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined ? resolve() : reject(error));
      this.queue.push({ client, bytes, queuedAt: Date.now(), onData, done });
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
    this.armWaitLimit();
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
    clearTimeout(this.waitTimer);
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    const index = this.owner === null ? 0 : this.queue.findIndex((batch) => batch.client === this.owner);
    if (index < 0 || index >= this.queue.length) {
      for (const wake of this.drained.splice(0)) wake();
      this.armWaitLimit();
      return;
    }
    clearTimeout(this.waitTimer);
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
      this.ownerIdleSince = Date.now();
      void this.pump();
    }
  }

  /** Only an idle owner makes others wait on it; while a batch runs, waiting is just queueing. */
  private armWaitLimit(): void {
    clearTimeout(this.waitTimer);
    if (this.owner === null || this.busy || this.queue.length === 0) return;
    const firstDeadline = Math.min(...this.queue.map((batch) => this.blockedSince(batch))) + this.waitLimitMs;
    this.waitTimer = setTimeout(() => this.failExpiredWaits(), Math.max(0, firstDeadline - Date.now()));
    this.waitTimer.unref();
  }

  private failExpiredWaits(): void {
    const now = Date.now();
    this.queue = this.queue.filter((batch) => {
      if (batch.client === this.owner || now - this.blockedSince(batch) < this.waitLimitMs) return true;
      batch.done(new SessionWaitTimeout(now - batch.queuedAt));
      return false;
    });
    this.armWaitLimit();
  }

  private blockedSince(batch: Batch): number {
    return Math.max(batch.queuedAt, this.ownerIdleSince);
  }
}
