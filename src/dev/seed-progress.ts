import type { SeedProgressEvent, SeedStep } from './seed-demo';

/**
 * How a seeding run shows its progress: a bar redrawn in place on a terminal
 * (each step weighted by its share of a large run's time, the clock ticking
 * while a long statement runs), a plain line per finished step otherwise, so
 * a CI log or a file holds one readable line each.
 */

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Each step's share of a 200,000-donor run on PostgreSQL (docs/PERFORMANCE.md), so the bar moves at an even pace. */
const STEP_WEIGHTS: Record<string, number> = {
  'drawing donors': 5,
  'writing donors': 3,
  'drawing memberships': 3,
  'writing memberships': 1,
  'membership payments': 6,
  'one-time gifts': 23,
  'unpaid checkouts': 1,
  'issuing receipts': 22,
  'receipt counters': 0.5,
  'year-end statements': 2,
  'donor totals': 4,
  'indexes and keys': 25,
  'console rollups': 8,
  'vacuum analyze': 4.5,
};
const TOTAL_WEIGHT = Object.values(STEP_WEIGHTS).reduce((a, b) => a + b, 0);
const TICK_MS = 200;
const BAR_WIDTH = 28;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const describe = (step: SeedStep) =>
  step.name === 'indexes and keys' ? `${String(step.rows).padStart(9)} rebuilt` : step.rows > 0 ? `${count(step.rows).padStart(9)} rows` : '';

export function seedProgress(out: ProgressOutput, now: () => number = Date.now) {
  const started = now();
  // Opening the embedded database and migrating it come first, and take seconds.
  let next: string | null = 'opening the database';
  let timer: NodeJS.Timeout | null = null;
  let finishedWeight = 0;

  const draw = () => {
    const share = Math.min(1, finishedWeight / TOTAL_WEIGHT);
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const line = `${bar} ${String(Math.round(share * 100)).padStart(3)}%  ${next ?? 'done'}  ${seconds(now() - started)}`;
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns || 80) - 1))}`);
  };

  const tick = () => {
    draw();
    // A step can be one statement running for many seconds; the clock shows the run is alive.
    timer ??= setInterval(draw, TICK_MS);
    timer.unref();
  };
  if (out.isTTY) tick();

  return {
    update(event: SeedProgressEvent): void {
      if (event.last) finishedWeight += STEP_WEIGHTS[event.last.name] ?? 1;
      next = event.next;
      if (!out.isTTY) {
        if (event.last) out.write(`  ${event.last.name.padEnd(22)} ${describe(event.last).padEnd(18)} ${seconds(event.last.ms).padStart(7)}\n`);
        return;
      }
      tick();
    },
    /** Stops the clock and leaves the cursor on a fresh line (also after a failure). */
    finish(): void {
      if (timer) clearInterval(timer);
      timer = null;
      if (out.isTTY) {
        draw();
        out.write('\n');
      }
    },
  };
}
