/**
 * Exports at newsroom scale: seeds a PostgreSQL database with a donor base
 * (bench/seed-donors.ts; 1,000,000 donations by default), then, in the same
 * run and alternately, times
 *   - psql writing the donations export's own SELECT as CSV:
 *     `psql -c "\copy (select ...) to stdout with (format csv, header)" > /dev/null`
 *   - GET /admin/exports/donations.csv for the whole period through the real
 *     app process (`tsx src/main.ts`, bench/app-process.ts), read to the end
 *     and thrown away,
 * and reports the app's peak RSS (VmHWM while running, and /usr/bin/time -v's
 * maximum after exit). Prints markdown for docs/PERFORMANCE.md.
 *
 *   npm run bench:export -- [--donors 200000] [--donations 1000000] [--memberships 32000] [--runs 3] [--reuse]
 *
 * The database (default postgres://postgres@127.0.0.1:5432/sustain_bench_export,
 * or BENCH_EXPORT_DATABASE_URL) is dropped and recreated unless --reuse; its
 * name must contain "bench". Not a test: nothing here asserts on timings.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { donationsExportQuery } from '../src/admin/exports/donations-export-queries';
import { copyCsvSql, inlinedSql } from '../src/admin/exports/export-sql';
import { todayInTimeZone } from '../src/admin/report-period';
import { createStaffUser } from '../src/admin/staff-users';
import { createDb, migrateToLatest } from '../src/db/knex';
import { readSettings } from '../src/settings/settings';
import { startBenchApp, type BenchApp } from './app-process';
import { databaseName, recreateBenchDatabase, redactUrl, serverVersion } from './database';
import { boundedInteger } from './options';
import { seedDonors } from './seed-donors';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/sustain_bench_export';
const out = (text: string) => process.stdout.write(text);
const progress = (text: string) => process.stderr.write(`[bench:export] ${text}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number | null | undefined) => (kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      donors: { type: 'string', default: '200000' },
      donations: { type: 'string', default: '1000000' },
      memberships: { type: 'string', default: '32000' },
      runs: { type: 'string', default: '3' },
      reuse: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(
      [
        'usage: npm run bench:export -- [options]',
        '  --donors N        donors to seed (default 200000)',
        '  --donations N     donations in all (default 1000000)',
        '  --memberships N   memberships (default 32000)',
        '  --runs N          timed runs of each side, alternating (default 3)',
        '  --reuse           keep the database seeded by an earlier run',
        `env: BENCH_EXPORT_DATABASE_URL (default ${DEFAULT_URL}); its name must contain "bench"`,
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => boundedInteger(name, raw, [min, max]);
  return {
    sizes: { donors: int('donors', values.donors, 100, 5_000_000), donations: int('donations', values.donations, 0, 50_000_000), memberships: int('memberships', values.memberships, 0, 5_000_000) },
    runs: int('runs', values.runs, 1, 20),
    reuse: values.reuse,
  };
}

/** psql writing `select` as CSV to /dev/null; wall time in ms. `\copy` reads one line, so the SQL is put on one. */
async function timePsql(url: string, select: string): Promise<number> {
  const started = process.hrtime.bigint();
  const devNull = fs.openSync('/dev/null', 'w');
  try {
    const child = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${select.replace(/\s*\n\s*/g, ' ')}) to stdout with (format csv, header)`], {
      stdio: ['ignore', devNull, 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`psql exited with ${code}`);
  } finally {
    fs.closeSync(devNull);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The export through the app, read to the end and dropped; wall time, bytes and chunks. */
async function timeApp(app: BenchApp, cookie: string, path: string): Promise<{ ms: number; bytes: number; chunks: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { cookie } });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let bytes = 0;
  let chunks = 0;
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    bytes += next.value.length;
    chunks += 1;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, chunks };
}

async function signIn(app: BenchApp, email: string, password: string): Promise<string> {
  const origin = `http://localhost:${new URL(app.baseUrl).port}`; // BASE_URL's default; the app refuses other origins
  const response = await fetch(`${app.baseUrl}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ email, password }).toString(),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sustain_staff='));
  if (response.status !== 303 || !cookie) throw new Error(`sign-in answered ${response.status}`);
  return cookie.split(';')[0]!;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const url = process.env.BENCH_EXPORT_DATABASE_URL?.trim() || DEFAULT_URL;
  if (!/bench/i.test(databaseName(url))) throw new Error(`refusing to use database "${databaseName(url)}": its name must contain "bench"`);
  const db = createDb({ url, poolMax: 2 });
  let app: BenchApp | null = null;
  try {
    let seedMs: number | null = null;
    if (!flags.reuse) {
      progress(`recreating ${await recreateBenchDatabase(url)} and migrating`);
      await migrateToLatest(db);
      progress(`seeding ${flags.sizes.donors} donors, ${flags.sizes.memberships} memberships, ~${flags.sizes.donations} donations`);
      seedMs = (await seedDonors(url, flags.sizes, new Date())).totalMs;
      progress(`seeded in ${secs(seedMs)}`);
    }
    const settings = await readSettings(db);
    const timezone = settings.organization.timezone;
    // The whole period: from the first payment to today, in the organisation's zone.
    const first = await db.raw('select min(coalesce(paid_at, failed_at, created_at)) as at from donations');
    const from = todayInTimeZone(first.rows[0].at as Date, timezone);
    const period = { from, to: todayInTimeZone(new Date(), timezone) };
    const select = inlinedSql(db, donationsExportQuery(db, { period, timezone, status: '', frequency: '', campaign: '' }));
    const rows = Number((await db.raw(`select count(*) as n from (${select}) s`)).rows[0].n);
    progress(`the file has ${rows} rows (${period.from} to ${period.to}); COPY statement ${copyCsvSql(select).length} characters`);

    const email = `bench-finance-${randomBytes(4).toString('hex')}@example.org`;
    const password = randomBytes(18).toString('base64url');
    await createStaffUser(db, { email, password, role: 'finance' });
    progress('starting the app');
    // As in production: a Stripe key (never called here), so no emulator runs in the app's process.
    app = await startBenchApp({ databaseUrl: url, env: { STRIPE_SECRET_KEY: 'sk_test_bench_export', STRIPE_WEBHOOK_SECRET: 'whsec_bench_export' } });
    const idleRssKb = app.memory()?.rssKb ?? null;
    const cookie = await signIn(app, email, password);
    const path = `/admin/exports/donations.csv?from=${period.from}&to=${period.to}`;
    // Warm: one day's file (code compiled, a pool connection open), so the peak below is the big file's.
    await timeApp(app, cookie, `/admin/exports/donations.csv?from=${period.to}&to=${period.to}`);
    const warmRssKb = app.memory()?.hwmKb ?? null;

    const loadBefore = os.loadavg()[0]!;
    const psqlMs: number[] = [];
    const appRuns: { ms: number; bytes: number; chunks: number; hwmKb: number | null }[] = [];
    for (let run = 1; run <= flags.runs; run += 1) {
      progress(`run ${run}/${flags.runs}: psql`);
      psqlMs.push(await timePsql(url, select));
      progress(`run ${run}/${flags.runs}: the app`);
      const measured = await timeApp(app, cookie, path);
      appRuns.push({ ...measured, hwmKb: app.memory()?.hwmKb ?? null });
      progress(`  psql ${secs(psqlMs.at(-1)!)}, app ${secs(measured.ms)} (${(measured.bytes / 1e6).toFixed(0)} MB in ${measured.chunks} chunks)`);
    }
    const audited = (await db.raw("select detail->>'rows' as rows from audit_log where action = 'export.downloaded' order by id desc limit 1")).rows[0]?.rows;
    const stop = await app.stop();
    app = null;

    const psqlMedian = median(psqlMs);
    const appMedian = median(appRuns.map((r) => r.ms));
    const peakKb = Math.max(...appRuns.map((r) => r.hwmKb ?? 0), stop.appHwmKb ?? 0);
    out(
      [
        `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
          `PostgreSQL ${await serverVersion(url)} on the same machine; Node ${process.version}. Database ${redactUrl(url)}.`,
        `Load average (1 min) ${loadBefore.toFixed(1)} before the runs, ${os.loadavg()[0]!.toFixed(1)} after (on ${os.cpus().length} cores: other work shares the machine when it is above 0.3 or so).`,
        seedMs === null ? 'Seed: reused.' : `Seed: ${flags.sizes.donors} donors, ${flags.sizes.memberships} memberships, ~${flags.sizes.donations} donations in ${secs(seedMs)}.`,
        `File: ${rows} rows (every listed payment, ${period.from} to ${period.to}), ${(appRuns[0]!.bytes / 1e6).toFixed(0)} MB; the app's audit entry says ${audited} rows.`,
        '',
        '| run | psql \\copy to /dev/null | GET /admin/exports/donations.csv | app / psql | app peak RSS so far |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...appRuns.map((r, i) => `| ${i + 1} | ${secs(psqlMs[i]!)} | ${secs(r.ms)} | ${(r.ms / psqlMs[i]!).toFixed(2)}× | ${mb(r.hwmKb)} |`),
        `| median | ${secs(psqlMedian)} | ${secs(appMedian)} | ${(appMedian / psqlMedian).toFixed(2)}× | |`,
        '',
        `App RSS idle after start: ${mb(idleRssKb)}; peak after sign-in and a one-day file: ${mb(warmRssKb)}; peak over the runs (VmHWM): ${mb(peakKb)}; ` +
          `/usr/bin/time -v maximum: ${mb(stop.time?.maxRssKb ?? null)}.`,
        `Targets: within 1.5× psql (${appMedian <= 1.5 * psqlMedian ? 'met' : 'missed'}), peak RSS under 200 MB (${peakKb < 200 * 1024 ? 'met' : 'missed'}).`,
        '',
      ].join('\n'),
    );
  } finally {
    app?.kill();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
