import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { startPgliteWireServer, type WireServer } from './pglite-wire-server';

/**
 * Embedded PostgreSQL for zero-configuration runs: PGlite (Postgres compiled to
 * WASM) served over a loopback socket, so the app still talks to it through
 * knex + pg exactly as it talks to a real server.
 */
export interface EmbeddedPostgres {
  /** A postgres:// URL for knex/pg. */
  readonly url: string;
  stop(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `Another Sustain process (pid ${pid}) is already using the embedded database in ${dataDir}. ` +
        'Stop it first, or point DATA_DIR at another folder, or set DATABASE_URL to use a PostgreSQL server.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedOptions {
  /** Folder for the database files; `null` keeps everything in memory (tests). */
  dataDir: string | null;
  /** Must exceed the knex pool size: connections beyond it are refused, not queued. */
  maxConnections: number;
  /** How long a query may wait on another connection's idle transaction before it fails; 10 s unless set. */
  sessionWaitTimeoutMs?: number;
  port?: number;
}

/** Contrib extensions the migrations use: pg_trgm indexes the donor search (PGlite offers none unless loaded). */
const EXTENSIONS = { pg_trgm };

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  let releaseLock = () => {};
  let pglite: PGlite;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    // PGlite has no multi-process safety: two processes on one folder corrupt it.
    releaseLock = takeLock(path.join(options.dataDir, 'sustain.lock'), options.dataDir);
    try {
      pglite = await PGlite.create({ dataDir: path.join(options.dataDir, 'pgdata'), extensions: EXTENSIONS });
    } catch (error) {
      releaseLock();
      throw error;
    }
  } else {
    pglite = await PGlite.create({ extensions: EXTENSIONS });
  }

  let server: WireServer;
  try {
    server = await startPgliteWireServer(pglite, {
      port: options.port ?? 0,
      maxConnections: options.maxConnections,
      sessionWaitTimeoutMs: options.sessionWaitTimeoutMs,
    });
  } catch (error) {
    await pglite.close();
    releaseLock();
    throw error;
  }

  return {
    url: `postgres://postgres:postgres@${server.host}:${server.port}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
      releaseLock();
    },
  };
}

/**
 * Exclusive lock file holding our pid. The file appears with its content in
 * one step (written aside, then hard-linked into place), so no process ever
 * reads an empty lock; a lock whose process is gone is moved aside under a
 * unique name before being replaced, so two processes cannot both take it over.
 */
function takeLock(lockPath: string, dataDir: string): () => void {
  const mine = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(mine, String(process.pid));
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        fs.linkSync(mine, lockPath);
        return () => fs.rmSync(lockPath, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readPid(lockPath);
      if (holder !== null && holder !== process.pid && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Stale: move it aside. Only one process wins the rename; if what it moved
      // turns out to be a live lock taken meanwhile, it puts it back.
      const aside = `${lockPath}.stale.${randomBytes(4).toString('hex')}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch {
        continue;
      }
      const moved = readPid(aside);
      if (moved !== null && moved !== holder && isAlive(moved)) {
        try {
          fs.linkSync(aside, lockPath);
        } finally {
          fs.rmSync(aside, { force: true });
        }
        throw new DataDirLockedError(dataDir, moved);
      }
      fs.rmSync(aside, { force: true });
    }
    throw new Error(`Could not take the lock ${lockPath}; remove it if no Sustain process is running`);
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
