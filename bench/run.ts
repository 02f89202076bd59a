/**
 * Load and memory benchmark for the one-time donation path.
 *
 *   npx tsx bench/run.ts [--duration 10] [--warmup 2] [--connections 10]
 *                        [--scenarios page,donate,webhook,duplicate,mixed] [--write]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sustain_bench npx tsx bench/run.ts
 *
 * Starts the real app (`tsx src/main.ts`, under /usr/bin/time -v when present)
 * on loopback with OS-chosen ports, drives each scenario with autocannon for a
 * bounded time and request count, stops the app with SIGTERM, and prints a
 * markdown report (appended to docs/PERFORMANCE.md with --write).
 * Not a test: nothing here asserts on timings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { boundedInteger } from './options';
import { QUIET_BUSY_PCT, readMachineCpu, readMatchingCpuSeconds, ROOT, startBenchApp, type BenchApp, type ProcMemory, type StopReport, waitQuiet } from './app-process';
import { databaseName, recreateBenchDatabase, redactUrl, rowCounts, serverVersion, type RowCounts } from './database';
import { codeVersion } from './code-version';
import { findScenarios, SCENARIO_KEYS, type Scenario } from './scenarios';

const LIMITS = { duration: [1, 300], warmup: [0, 60], connections: [1, 256], maxRequests: [10, 5_000_000], quietWait: [0, 1800] } as const;
/** "Other" CPU above this (% of one core) during a scenario marks the run as noisy in the report. */
const NOISY_OTHER_PCT = 25;

interface Flags {
  duration: number;
  warmup: number;
  connections: number;
  maxRequests: number;
  scenarios: string[] | null;
  write: boolean;
  keepDb: boolean;
  doc: string;
  cpuProf: string | null;
  quietWait: number;
}

interface ScenarioResult {
  scenario: Scenario;
  result: autocannon.Result;
  unexpected: number;
  memoryAfter: ProcMemory | null;
  counts: RowCounts | null;
  /** The unrecorded warm-up still counts for correctness: its errors and unexpected statuses. */
  warmup: { responses: number; unexpected: number; errors: number; timeouts: number; statusCodeStats: autocannon.Result['statusCodeStats'] } | null;
  /**
   * CPU use during the measured run, in % of one core: the app, autocannon, the PostgreSQL
   * backends serving the bench database (server mode), and every other process on the machine.
   */
  cpu: { app: number | null; bench: number; db: number | null; other: number | null };
}

const out = (text: string) => process.stdout.write(text);
const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
      'max-requests': { type: 'string', default: '1000000' },
      scenarios: { type: 'string' },
      write: { type: 'boolean', default: false },
      'keep-db': { type: 'boolean', default: false },
      doc: { type: 'string', default: path.join(ROOT, 'docs/PERFORMANCE.md') },
      'cpu-prof': { type: 'string' },
      'quiet-wait': { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(
      [
        'usage: npx tsx bench/run.ts [options]   (npm run bench -- [options])',
        '  --duration S       seconds per scenario (default 10, 1..300)',
        '  --warmup S         unrecorded seconds before each scenario (default 2, 0..60)',
        '  --connections N    concurrent connections (default 10, 1..256)',
        '  --max-requests N   stop a scenario after N requests even if time remains (default 1000000)',
        `  --scenarios LIST   comma list of ${SCENARIO_KEYS.join(', ')} (default all)`,
        '  --write            append the report to docs/PERFORMANCE.md',
        '  --keep-db          with BENCH_DATABASE_URL: reuse the database instead of recreating it',
        `  --quiet-wait S     wait up to S seconds (0..1800) for the machine to be under ${QUIET_BUSY_PCT}% busy before starting (default 0)`,
        '  --cpu-prof DIR     write V8 CPU profiles of the app to DIR (slows it down: diagnosis only, not with --write)',
        'env: BENCH_DATABASE_URL=postgres://...   run against that PostgreSQL instead of embedded',
        '     (a database whose name contains "bench" is dropped and recreated unless --keep-db)',
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const int = (name: keyof typeof LIMITS, raw: string) => boundedInteger(name, raw, LIMITS[name]);
  if (values.write && values['cpu-prof']) throw new Error('--cpu-prof slows the app down; its figures must not be recorded with --write');
  return {
    duration: int('duration', values.duration),
    warmup: int('warmup', values.warmup),
    connections: int('connections', values.connections),
    maxRequests: int('maxRequests', values['max-requests']),
    scenarios: values.scenarios ? values.scenarios.split(',').map((s) => s.trim()).filter(Boolean) : null,
    write: values.write,
    keepDb: values['keep-db'],
    doc: path.resolve(values.doc),
    cpuProf: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null,
    quietWait: int('quietWait', values['quiet-wait']),
  };
}

function countUnexpected(result: autocannon.Result, expected: number[]): number {
  let unexpected = 0;
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    if (!expected.includes(Number(status))) unexpected += count;
  }
  return unexpected;
}

const responses = (result: autocannon.Result) => Object.values(result.statusCodeStats).reduce((sum, { count }) => sum + count, 0);

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function runScenario(
  app: BenchApp,
  scenario: Scenario,
  flags: Flags,
  countsUrl: string | null,
  serverDb: string | null,
): Promise<ScenarioResult> {
  // Backends and autovacuum workers of the bench database ("postgres: user db host(port) state", "postgres: autovacuum worker db").
  const ours = (cmd: string) => cmd.startsWith('postgres: ') && (cmd.includes(` ${serverDb} `) || cmd.trimEnd().endsWith(` ${serverDb}`));
  const dbCpu = () => (serverDb ? readMatchingCpuSeconds(ours) : null);
  await scenario.prepare?.(app.baseUrl);
  const base = {
    // Options are built once: request generators keep their counters across warm-up and run.
    ...scenario.options(app.baseUrl),
    connections: flags.connections,
    timeout: 10,
    maxOverallRequests: flags.maxRequests,
  };
  let warmup: ScenarioResult['warmup'] = null;
  if (flags.warmup > 0) {
    progress(`${scenario.name}: warm-up ${flags.warmup} s`);
    const w = await cannon({ ...base, duration: flags.warmup });
    warmup = {
      responses: responses(w),
      unexpected: countUnexpected(w, scenario.expected),
      errors: w.errors,
      timeouts: w.timeouts,
      statusCodeStats: w.statusCodeStats,
    };
  }
  progress(`${scenario.name}: ${flags.duration} s at ${flags.connections} connections`);
  const appCpuBefore = app.cpuSeconds();
  const dbCpuBefore = dbCpu();
  const benchCpuBefore = process.cpuUsage();
  const machineBefore = readMachineCpu();
  const wallBefore = process.hrtime.bigint();
  const result = await cannon({ ...base, duration: flags.duration, title: scenario.name });
  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const appCpuAfter = app.cpuSeconds();
  const dbCpuAfter = dbCpu();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const machineAfter = readMachineCpu();
  const appCpu = appCpuBefore !== null && appCpuAfter !== null ? ((appCpuAfter - appCpuBefore) / wallSeconds) * 100 : null;
  const bench = ((benchCpu.user + benchCpu.system) / 1e6 / wallSeconds) * 100;
  const machineCores =
    machineBefore && machineAfter ? ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * os.cpus().length * 100 : null;
  const db = dbCpuBefore !== null && dbCpuAfter !== null ? (Math.max(0, dbCpuAfter - dbCpuBefore) / wallSeconds) * 100 : null;
  const cpu = {
    app: appCpu,
    bench,
    db,
    other: machineCores !== null && appCpu !== null ? Math.max(0, machineCores - appCpu - bench - (db ?? 0)) : null,
  };
  const unexpected = countUnexpected(result, scenario.expected);
  const memoryAfter = app.memory();
  let counts: RowCounts | null = null;
  if (countsUrl) {
    try {
      counts = await rowCounts(countsUrl);
    } catch (error) {
      progress(`could not count rows: ${(error as Error).message}`);
    }
  }
  progress(
    `${scenario.name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ` +
      `statuses ${JSON.stringify(result.statusCodeStats)}, errors ${result.errors}, mismatches ${result.mismatches}, ` +
      `CPU app ${pct(cpu.app)} autocannon ${pct(cpu.bench)} postgres ${pct(cpu.db)} other ${pct(cpu.other)}`,
  );
  return { scenario, result, unexpected, memoryAfter, counts, cpu, warmup };
}

const pct = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
const mb = (kb: number | null | undefined) => (kb === null || kb === undefined || Number.isNaN(kb) ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const statuses = (stats: Record<string, { count: number }>) =>
  Object.entries(stats)
    .map(([status, { count }]) => `${status}: ${count}`)
    .join(', ') || 'none';

function machine(loadAtStart: number[], busyBefore: number | null): string[] {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (load generator, app, database all on this machine)`,
    `- RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB; kernel ${os.release()}; Node ${process.version}`,
    `- Machine before the start: ${busyBefore === null ? 'n/a' : `${busyBefore.toFixed(0)}%`} of all cores busy (3 s sample), ` +
      `load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}` +
      (busyBefore !== null && busyBefore >= QUIET_BUSY_PCT ? ' — **not quiet: other processes competed for the CPU**' : ''),
  ];
}

function report(input: {
  started: Date;
  loadAtStart: number[];
  busyBefore: number | null;
  code: string;
  mode: string;
  command: string;
  flags: Flags;
  app: BenchApp;
  idle: ProcMemory | null;
  idleWrapper: ProcMemory | null;
  results: ScenarioResult[];
  stop: StopReport;
}): string {
  const { started, mode, command, flags, app, idle, idleWrapper, results, stop } = input;
  const lines: string[] = [];
  lines.push(`### ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${mode}`, '');
  lines.push(...machine(input.loadAtStart, input.busyBefore));
  lines.push(`- Code: ${input.code}`);
  lines.push(`- Command: \`${command}\``);
  lines.push(
    `- ${flags.connections} connections, ${flags.duration} s per scenario after ${flags.warmup} s unrecorded warm-up; ` +
      `app started in ${(app.startupMs / 1000).toFixed(1)} s (fresh database, migrations included)`,
    '',
  );
  lines.push(
    '| scenario | req/s (mean) | p50 ms | p97.5 ms | p99 ms | max ms | responses | status codes | unexpected status | errors / timeouts | body mismatches | CPU app / autocannon / postgres / other |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const { scenario, result, unexpected, cpu } of results) {
    const total = responses(result);
    lines.push(
      `| ${scenario.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p97_5} | ${result.latency.p99} | ` +
        `${result.latency.max} | ${total} | ${statuses(result.statusCodeStats)} | ${unexpected} | ${result.errors} / ${result.timeouts} | ${result.mismatches} | ` +
        `${pct(cpu.app)} / ${pct(cpu.bench)} / ${cpu.db === null ? '–' : pct(cpu.db)} / ${pct(cpu.other)} |`,
    );
  }
  const noisy = results.filter((r) => r.cpu.other !== null && r.cpu.other > NOISY_OTHER_PCT);
  if (noisy.length > 0) {
    lines.push(
      '',
      `**Noisy run:** other processes used more than ${NOISY_OTHER_PCT}% of a core during ${noisy.map((r) => r.scenario.name).join(', ')}; ` +
        'those figures are lower than this machine can do.',
    );
  }
  const badWarmups = results.filter((r) => r.warmup && (r.warmup.unexpected > 0 || r.warmup.errors > 0 || r.warmup.timeouts > 0));
  lines.push(
    '',
    badWarmups.length === 0
      ? 'Warm-ups: every response had the expected status, no errors.'
      : `Warm-ups with problems: ${badWarmups
          .map((r) => `${r.scenario.name}: ${r.warmup!.unexpected} unexpected status of ${r.warmup!.responses}, ${r.warmup!.errors} errors, ${r.warmup!.timeouts} timeouts`)
          .join('; ')}.`,
  );
  lines.push(
    '',
    `CPU in % of one core (the machine has ${os.cpus().length}): the app process (with PGlite and the Stripe emulator inside it), ` +
      'autocannon, the PostgreSQL backends and autovacuum of the bench database (server mode), and everything else on the machine ' +
      '(PostgreSQL\'s shared checkpointer and WAL writer; backends that exited mid-run; other users\' work). ' +
      'Latencies are autocannon\'s (whole milliseconds, client side).',
    '',
  );
  lines.push('| memory (app = the node process running src/main.ts) | value |');
  lines.push('| --- | ---: |');
  lines.push(`| idle RSS 2 s after "Sustain is listening" | ${mb(idle?.rssKb)} |`);
  if (idleWrapper) lines.push(`| idle RSS of the tsx CLI wrapper process (not in the figure above) | ${mb(idleWrapper.rssKb)} |`);
  for (const { scenario, memoryAfter } of results) lines.push(`| RSS after ${scenario.name} | ${mb(memoryAfter?.rssKb)} |`);
  lines.push(`| peak RSS, app (VmHWM before SIGTERM) | ${mb(stop.appHwmKb)} |`);
  if (stop.time) {
    lines.push(`| peak RSS, /usr/bin/time -v "Maximum resident set size" | ${mb(stop.time.maxRssKb)} |`);
    lines.push(`| CPU time of the app, user / system (/usr/bin/time) | ${stop.time.userSeconds ?? 'n/a'} s / ${stop.time.systemSeconds ?? 'n/a'} s |`);
  } else {
    lines.push('| peak RSS, /usr/bin/time | not installed; VmHWM above is the peak |');
  }
  lines.push(
    `| SIGTERM to exit | ${stop.shutdownMs} ms, exit ${stop.exitCode ?? stop.signal}${stop.time?.exitStatus ? ` (time: ${stop.time.exitStatus})` : ''}${stop.forced ? ', FORCED with SIGKILL' : ''} |`,
  );
  lines.push('');
  const last = [...results].reverse().find((r) => r.counts)?.counts;
  if (last) {
    const byStatus = Object.entries(last.donationsByStatus).map(([s, n]) => `${s} ${n}`).join(', ') || 'none';
    lines.push(
      `Rows at the end (warm-ups included): donations ${byStatus} (${last.donationsWithSession} with a Checkout Session id); ` +
        `stripe_events ${last.stripeEvents} (${last.stripeEventsProcessed} processed); database size ${last.databaseBytes ? `${(last.databaseBytes / 1024 ** 2).toFixed(1)} MB` : 'n/a'}.`,
      '',
    );
    // A 303 means the app stored the Checkout Session id; the rows must say so. Requests in
    // flight when autocannon stops (at most one per connection per run) may add a few rows.
    const redirects = results
      .filter((r) => r.scenario.expected.includes(303))
      .reduce((sum, r) => sum + (r.result.statusCodeStats['303']?.count ?? 0) + (r.warmup?.statusCodeStats['303']?.count ?? 0), 0);
    if (redirects > 0) {
      const inFlight = results.filter((r) => r.scenario.expected.includes(303)).length * 2 * flags.connections;
      const missing = redirects - last.donationsWithSession;
      lines.push(
        `Consistency: POST /donate answered 303 ${redirects} times (warm-ups included); ${last.donationsWithSession} donations hold a Checkout Session id` +
          (missing > 0 ? ` — **${missing} redirected donors have no session id stored**.` : ` (difference within the ${inFlight} requests that can be in flight when runs stop).`),
        '',
      );
    }
  }
  const levels = Object.entries(app.logs.byLevel).map(([level, n]) => `${level} ${n}`).join(', ');
  lines.push(`App log: ${app.logs.lines} lines (${levels}); request lines by status ${JSON.stringify(app.logs.requestStatus)}.`);
  const problems = [...app.logs.problems.values()];
  if (problems.length > 0) {
    lines.push('', 'Warnings and errors the app logged:', '');
    for (const p of problems) lines.push(`- ${p.level} ×${p.count} "${p.msg}": \`${p.sample.slice(0, 600).replace(/`/g, "'")}\``);
  }
  if (app.logs.stderr.length > 0) {
    lines.push('', `App stderr (${app.logs.stderr.length} lines, first 5):`, '');
    for (const line of app.logs.stderr.slice(0, 5)) lines.push(`    ${line.slice(0, 300)}`);
  }
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const scenarios = findScenarios(flags.scenarios);
  const databaseUrl = process.env.BENCH_DATABASE_URL?.trim() || null;
  const busyBefore = await waitQuiet(flags.quietWait, progress);
  const started = new Date();
  const loadAtStart = os.loadavg();
  const code = codeVersion();

  // Hard stop for the whole run: start + per-scenario (prepare, warm-up, run, timeouts) + stop.
  const budgetMs = 120_000 + scenarios.length * (flags.warmup + flags.duration + 40) * 1000 + 30_000;
  let app: BenchApp | null = null;
  const watchdog = setTimeout(() => {
    progress(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; killing the app`);
    app?.kill();
    process.exit(2);
  }, budgetMs);

  let mode: string;
  if (databaseUrl) {
    if (!flags.keepDb) progress(`recreated database ${await recreateBenchDatabase(databaseUrl)}`);
    mode = `PostgreSQL ${await serverVersion(databaseUrl)} server (${redactUrl(databaseUrl)})`;
  } else {
    const pglite = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
    mode = `embedded PostgreSQL (PGlite ${pglite.version}, in the app process)`;
  }
  progress(`starting the app (${mode})`);
  if (flags.cpuProf) fs.mkdirSync(flags.cpuProf, { recursive: true });
  app = await startBenchApp({
    databaseUrl,
    nodeFlags: flags.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${flags.cpuProf}`] : undefined,
  });
  const running = app;
  let stop: StopReport | null = null;
  try {
    progress(`app listening at ${running.baseUrl} (pid ${running.pids.app}, ${running.usesTime ? 'under /usr/bin/time -v' : 'no /usr/bin/time: peak from /proc VmHWM'}); log ${running.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = running.memory();
    const idleWrapper = running.wrapperMemory();
    const countsUrl = databaseUrl ?? running.embeddedDatabaseUrl;
    const results: ScenarioResult[] = [];
    const serverDb = databaseUrl ? databaseName(databaseUrl) : null;
    for (const scenario of scenarios) results.push(await runScenario(running, scenario, flags, countsUrl, serverDb));
    progress('stopping the app with SIGTERM');
    stop = await running.stop();
    const command =
      (databaseUrl ? `BENCH_DATABASE_URL=${redactUrl(databaseUrl)} ` : '') + `npx tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
    const text = report({ started, loadAtStart, busyBefore, code, mode, command, flags, app: running, idle, idleWrapper, results, stop });
    out(`\n${text}\n`);
    if (flags.write) {
      if (!fs.existsSync(flags.doc)) fs.writeFileSync(flags.doc, '# Performance\n\n## Runs\n\n');
      fs.appendFileSync(flags.doc, `\n${text}`);
      progress(`appended to ${path.relative(process.cwd(), flags.doc)}`);
    }
  } finally {
    if (!stop) {
      progress('stopping the app after an error');
      const stopped = await Promise.race([
        running.stop().then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 25_000)),
      ]);
      if (!stopped) running.kill();
    }
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
