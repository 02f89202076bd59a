/**
 * Throughput of the article embed (`/embed/footer`, `/embed.js`) next to a bare
 * Express 5 handler sending the same bytes (bench/bare-express.ts), in one run,
 * on the same machine, measured the same way (autocannon over loopback HTTP).
 * Issue 9's target: each embed route at least 85 % of the bare handler.
 *
 *   npm run bench:embed -- [--duration 10] [--warmup 2] [--connections 10] [--rounds 2] [--write]
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sustain_bench_embed npm run bench:embed
 *
 * The real app starts as the other benches start it (bench/app-process.ts,
 * under /usr/bin/time -v when present); the bare app in its own `node --import
 * tsx` process. Scenarios alternate within each round (bare HTML, footer,
 * footer 304, bare JS, loader gzip, loader plain) so noise from other work on
 * the machine falls on both sides. Not a test: nothing here asserts on timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { boundedInteger } from './options';
import { buildLoaderAsset } from '../src/embed/loader-asset';
import { QUIET_BUSY_PCT, readMachineCpu, readProcCpuSeconds, readProcMemory, ROOT, startBenchApp, type BenchApp, waitQuiet } from './app-process';
import { codeVersion } from './code-version';
import { recreateBenchDatabase, redactUrl, serverVersion } from './database';
import { pct, report, SECTION, writeToDoc, type Measurement } from './embed-report';
import { checkScenario, embedScenarios, type EmbedScenario, type Targets } from './embed-scenarios';

const LIMITS = { duration: [1, 120], warmup: [0, 30], connections: [1, 256], rounds: [1, 10], quietWait: [0, 1800] } as const;

const out = (text: string) => process.stdout.write(text);
const progress = (text: string) => process.stderr.write(`[bench:embed] ${text}\n`);

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      write: { type: 'boolean', default: false },
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
        'usage: npm run bench:embed -- [options]   (tsx bench/embed.ts)',
        '  --duration S      measured seconds per scenario and round (default 10)',
        '  --warmup S        unrecorded seconds before each (default 2)',
        '  --connections N   concurrent connections (default 10)',
        '  --rounds N        times the six scenarios run, alternating (default 2)',
        `  --write           add the report to docs/PERFORMANCE.md under "${SECTION}"`,
        `  --quiet-wait S    wait up to S s for the machine to be under ${QUIET_BUSY_PCT}% busy before starting (default 0)`,
        '  --cpu-prof DIR    V8 CPU profiles of the app to DIR (slows it: diagnosis only, not with --write)',
        'env: BENCH_DATABASE_URL=postgres://... (name must contain "bench"; dropped and recreated); embedded PGlite otherwise',
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
    rounds: int('rounds', values.rounds),
    quietWait: int('quietWait', values['quiet-wait']),
    write: values.write,
    doc: path.resolve(values.doc),
    cpuProf: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null,
  };
}
type Flags = ReturnType<typeof parseFlags>;

interface BareApp {
  baseUrl: string;
  pid: number;
  stop(): Promise<number | null>;
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

const answered = (result: autocannon.Result) => Object.values(result.statusCodeStats).reduce((sum, { count }) => sum + count, 0);

/** Starts bench/bare-express.ts serving these bytes; resolves once it printed its port. */
async function startBareApp(html: string, gzippedJs: Buffer, dir: string): Promise<BareApp> {
  const htmlFile = path.join(dir, 'footer.html');
  const jsFile = path.join(dir, 'loader.js.gz');
  fs.writeFileSync(htmlFile, html);
  fs.writeFileSync(jsFile, gzippedJs);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/bare-express.ts'), htmlFile, jsFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare Express did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`bare Express exited during start (code ${code})`)));
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      const peak = readProcMemory(child.pid!)?.hwmKb ?? null;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      return peak;
    },
  };
}

async function measure(scenario: EmbedScenario, round: number, targets: Targets, app: BenchApp, bare: BareApp, flags: Flags): Promise<Measurement> {
  const pid = scenario.server === 'app' ? app.pids.app : bare.pid;
  const options: autocannon.Options = { ...scenario.options(targets), connections: flags.connections, timeout: 10 };
  if (flags.warmup > 0) await cannon({ ...options, duration: flags.warmup });
  const before = { server: readProcCpuSeconds(pid), bench: process.cpuUsage(), machine: readMachineCpu(), wall: process.hrtime.bigint() };
  const result = await cannon({ ...options, duration: flags.duration, title: scenario.name });
  const wall = Number(process.hrtime.bigint() - before.wall) / 1e9;
  const serverAfter = readProcCpuSeconds(pid);
  const machineAfter = readMachineCpu();
  const benchUsage = process.cpuUsage(before.bench);
  const serverSeconds = before.server !== null && serverAfter !== null ? serverAfter - before.server : null;
  const server = serverSeconds === null ? null : (serverSeconds / wall) * 100;
  const bench = ((benchUsage.user + benchUsage.system) / 1e6 / wall) * 100;
  const machine =
    before.machine && machineAfter ? ((machineAfter.busy - before.machine.busy) / (machineAfter.total - before.machine.total)) * os.cpus().length * 100 : null;
  let unexpected = 0;
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) if (Number(status) !== scenario.status) unexpected += count;
  const n = answered(result);
  const m: Measurement = {
    scenario,
    round,
    result,
    unexpected,
    cpu: { server, bench, other: machine !== null && server !== null ? Math.max(0, machine - server - bench) : null },
    cpuPerRequestUs: serverSeconds !== null && n > 0 ? (serverSeconds / n) * 1e6 : null,
  };
  progress(
    `round ${round} ${scenario.name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
      `${JSON.stringify(result.statusCodeStats)}, errors ${result.errors}, mismatches ${result.mismatches}; CPU server ${pct(server)} autocannon ${pct(bench)} other ${pct(m.cpu.other)}`,
  );
  return m;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const databaseUrl = process.env.BENCH_DATABASE_URL?.trim() || null;
  const busyBefore = await waitQuiet(flags.quietWait, progress);
  const started = new Date();
  const loadAtStart = os.loadavg();
  const code = codeVersion();
  const asset = buildLoaderAsset();

  const budgetMs = 150_000 + flags.rounds * 6 * (flags.warmup + flags.duration + 15) * 1000;
  let app: BenchApp | null = null;
  let bare: BareApp | null = null;
  const watchdog = setTimeout(() => {
    progress(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; killing the apps`);
    app?.kill();
    if (bare) process.kill(bare.pid, 'SIGKILL');
    process.exit(2);
  }, budgetMs);

  let mode: string;
  if (databaseUrl) {
    progress(`recreated database ${await recreateBenchDatabase(databaseUrl)}`);
    mode = `PostgreSQL ${await serverVersion(databaseUrl)} (${redactUrl(databaseUrl)})`;
  } else {
    mode = 'embedded PGlite';
  }
  progress(`starting the app (${mode})`);
  if (flags.cpuProf) fs.mkdirSync(flags.cpuProf, { recursive: true });
  app = await startBenchApp({ databaseUrl, nodeFlags: flags.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${flags.cpuProf}`] : undefined });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sustain-bench-embed-'));
  let stopped = false;
  try {
    const footer = await fetch(`${app.baseUrl}/embed/footer?campaign=bench`);
    const html = await footer.text();
    const etag = footer.headers.get('etag');
    if (footer.status !== 200 || !etag) throw new Error(`GET /embed/footer answered ${footer.status} (ETag ${etag})`);
    bare = await startBareApp(html, asset.gzipped, tmp);
    progress(`app at ${app.baseUrl} (pid ${app.pids.app}), bare Express at ${bare.baseUrl} (pid ${bare.pid})`);
    const targets: Targets = { app: app.baseUrl, bare: bare.baseUrl, etag };
    const scenarios = embedScenarios();
    const checks: string[] = [];
    for (const scenario of scenarios) checks.push(await checkScenario(scenario, targets));

    const measurements: Measurement[] = [];
    for (let round = 1; round <= flags.rounds; round += 1) {
      for (const scenario of scenarios) measurements.push(await measure(scenario, round, targets, app, bare, flags));
    }
    const appPeakKb = app.memory()?.hwmKb ?? null;
    const barePeakKb = await bare.stop();
    bare = null;
    const stop = await app.stop();
    stopped = true;
    const text = report({
      started,
      mode,
      flags,
      busyBefore,
      loadAtStart,
      code,
      checks,
      measurements,
      loader: { raw: asset.body.length, gzipped: asset.gzipped.length },
      memory: { appPeakKb: stop.appHwmKb ?? appPeakKb, timePeakKb: stop.time?.maxRssKb ?? null, barePeakKb },
    });
    out(`\n${text}\n`);
    if (flags.write) {
      writeToDoc(flags.doc, text);
      progress(`added to ${path.relative(process.cwd(), flags.doc)}`);
    }
  } finally {
    if (bare) await bare.stop();
    if (!stopped) await app.stop().catch(() => app?.kill());
    fs.rmSync(tmp, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:embed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
