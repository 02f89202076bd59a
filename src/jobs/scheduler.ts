import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { Settings, SettingsCache } from '../settings/settings';

/**
 * A job that runs on a schedule in whichever process gets to it first. Jobs
 * must be idempotent: the lock only keeps two instances from running one at
 * the same moment, not a job from running again tomorrow.
 */
export interface ScheduledJob {
  name: string;
  /** PostgreSQL advisory lock key, unique per job. */
  lockKey: number;
  /** Whether the job has work at `now` (for example: early January). */
  isDue(now: Date, settings: Settings): boolean;
  run(db: Knex, now: Date, settings: Settings, logger: Logger): Promise<void>;
}

export interface SchedulerOptions {
  db: Knex;
  settings: SettingsCache;
  logger: Logger;
  jobs: readonly ScheduledJob[];
  intervalMs?: number;
  now?: () => Date;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private tick: Promise<void> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    const interval = this.options.intervalMs ?? 60 * 60 * 1000;
    const run = () => {
      this.tick = this.runDue().then(
        () => undefined,
        (error: unknown) => this.options.logger.error({ err: error }, 'scheduled jobs failed'),
      );
    };
    run();
    this.timer = setInterval(run, interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tick;
  }

  /** Runs every job that is due and whose lock is free; returns the names of the jobs it ran. */
  async runDue(): Promise<string[]> {
    const { db, logger } = this.options;
    const now = this.options.now?.() ?? new Date();
    const settings = await this.options.settings.get();
    const ran: string[] = [];
    for (const job of this.options.jobs) {
      if (!job.isDue(now, settings)) continue;
      const locked = await withAdvisoryLock(db, job.lockKey, async () => {
        logger.info({ job: job.name }, 'scheduled job starting');
        await job.run(db, now, settings, logger.child({ job: job.name }));
      });
      if (locked) ran.push(job.name);
    }
    return ran;
  }
}

/**
 * Runs `work` while holding a session advisory lock on one pooled connection;
 * returns false without running it when another process holds the lock.
 */
export async function withAdvisoryLock(db: Knex, key: number, work: () => Promise<void>): Promise<boolean> {
  const connection = await db.client.acquireConnection();
  try {
    const { rows } = await db.raw('select pg_try_advisory_lock(?) as locked', [key]).connection(connection);
    if (!rows[0]?.locked) return false;
    try {
      await work();
    } finally {
      await db.raw('select pg_advisory_unlock(?)', [key]).connection(connection);
    }
    return true;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
