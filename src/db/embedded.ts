import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  port?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  let releaseLock = () => {};
  let pglite: PGlite;
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    // PGlite has no multi-process safety: two processes on one folder corrupt it.
    releaseLock = takeLock(path.join(options.dataDir, 'sustain.lock'), options.dataDir);
    pglite = await PGlite.create({ dataDir: path.join(options.dataDir, 'pgdata') });
  } else {
    pglite = await PGlite.create();
  }

  const server = new PGLiteSocketServer({
    db: pglite,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections,
  });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    releaseLock();
    throw error;
  }
  const [host, port] = server.getServerConn().split(':');

  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
      releaseLock();
    },
  };
}

/** Exclusive lock file holding our pid; a lock whose process is gone is taken over. */
function takeLock(lockPath: string, dataDir: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
