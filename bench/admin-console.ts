/**
 * Staff console at newsroom scale: seeds a PostgreSQL database with a donor
 * base (bench/seed-donors.ts), starts the real app on it, signs in as staff
 * and drives the console's read pages with autocannon; then checks a few
 * figures the pages show against SQL, times each page's queries in-process
 * and runs EXPLAIN (ANALYZE, BUFFERS) on the heaviest ones. Prints markdown.
 *
 *   npm run bench:admin -- [--donors 50000] [--donations N] [--memberships N] [--duration 10]
 *                          [--warmup 2] [--connections 4] [--alone-timeout 120] [--quiet-wait 0] [--reuse]
 *
 * The database (default postgres://postgres@127.0.0.1:5432/sustain_bench_admin,
 * or BENCH_ADMIN_DATABASE_URL) is dropped and recreated unless --reuse; its
 * name must contain "bench". Not a test: nothing here asserts on timings.
 *
 * A client that gives up does not stop PostgreSQL: after each page the bench
 * waits briefly, then cancels the app's statements still running in the bench
 * database (and reports them), so one page's backlog does not slow the next.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { loadDashboardView } from '../src/admin/dashboard';
import { loadDonorRecordView } from '../src/admin/donor-detail';
import { donorSearchQuery, loadDonorSearchView } from '../src/admin/donor-search';
import { createStaffUser } from '../src/admin/staff-users';
import { createDb, migrateToLatest } from '../src/db/knex';
import type { Level } from '../src/members/levels';
import { readSettings } from '../src/settings/settings';
import { QUIET_BUSY_PCT, readMachineCpu, readProcCpuSeconds, startBenchApp, type BenchApp, waitQuiet } from './app-process';
import { codeVersion } from './code-version';
import { boundedInteger } from './options';
import { databaseName, recreateBenchDatabase, redactUrl, serverVersion } from './database';
import { countSeededRows, seedDonors, type SeedReport } from './seed-donors';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/sustain_bench_admin';
/** "Other" CPU above this (% of one core) during a page marks it as noisy. */
const NOISY_OTHER_PCT = 25;
const out = (text: string) => process.stdout.write(text);
const progress = (text: string) => process.stderr.write(`[bench:admin] ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      donors: { type: 'string', default: '50000' },
      donations: { type: 'string' },
      memberships: { type: 'string' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '4' },
      'alone-timeout': { type: 'string', default: '120' },
      'quiet-wait': { type: 'string', default: '0' },
      reuse: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(
      [
        'usage: npm run bench:admin -- [options]',
        '  --donors N          donors to seed (default 50000)',
        '  --donations N       donations in all (default 5 per donor; memberships bill theirs, one-time gifts fill the rest)',
        '  --memberships N     memberships (default 16 % of donors)',
        '  --duration S        measured seconds per page (default 10), after --warmup S (default 2) unrecorded',
        '  --connections N     concurrent connections (default 4)',
        '  --alone-timeout S   limit for one request alone, a figure check, a profiled query or EXPLAIN ANALYZE (default 120)',
        `  --quiet-wait S      before the load, wait up to S s for the machine to be under ${QUIET_BUSY_PCT}% busy (default 0)`,
        '  --reuse             keep the database seeded by an earlier run',
        `env: BENCH_ADMIN_DATABASE_URL (default ${DEFAULT_URL}); its name must contain "bench"`,
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => boundedInteger(name, raw, [min, max]);
  const donors = int('donors', values.donors, 100, 5_000_000);
  return {
    sizes: {
      donors,
      donations: int('donations', values.donations ?? String(donors * 5), 0, 50_000_000),
      memberships: int('memberships', values.memberships ?? String(Math.round(donors * 0.16)), 0, donors),
    },
    duration: int('duration', values.duration, 1, 300),
    warmup: int('warmup', values.warmup, 0, 60),
    connections: int('connections', values.connections, 1, 64),
    aloneTimeout: int('alone-timeout', values['alone-timeout'], 5, 1800),
    quietWait: int('quiet-wait', values['quiet-wait'], 0, 1800),
    reuse: values.reuse,
  };
}
type Flags = ReturnType<typeof parseFlags>;

interface Page {
  name: string;
  path: string;
  /** Text every correct answer contains (not the sign-in page, not an error page). */
  marker: string;
}

interface Leftovers {
  cancelled: number;
  longestSeconds: number;
}

interface PageResult {
  page: Page;
  /** Requests one at a time with nothing else running (three, or one when it takes over 5 s), ms; empty when it took longer than --alone-timeout. */
  aloneMs: number[];
  result: autocannon.Result;
  cpu: { app: number | null; bench: number; db: number; other: number | null };
  rssAfterKb: number | null;
  leftovers: Leftovers;
}

interface Bench {
  app: BenchApp;
  cookie: string;
  client: Client;
  dbName: string;
  flags: Flags;
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
}

async function signIn(app: BenchApp, email: string, password: string): Promise<string> {
  const origin = `http://localhost:${new URL(app.baseUrl).port}`; // BASE_URL's default; the app refuses other origins
  const response = await fetch(`${app.baseUrl}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ email, password }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sustain_staff='));
  if (response.status !== 303 || !cookie) throw new Error(`sign-in answered ${response.status} without a session cookie: ${await response.text()}`);
  return cookie.split(';')[0]!;
}

/** Waits up to `waitMs` for the app's statements in the bench database to finish, then cancels the rest. */
async function cancelLeftovers(bench: Bench, waitMs = 2_000): Promise<Leftovers> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await bench.client.query<{ pid: number; seconds: number }>(
      `select pid, extract(epoch from now() - query_start)::float8 as seconds from pg_stat_activity
       where datname = $1 and state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      [bench.dbName],
    );
    if (rows.length === 0) return { cancelled: 0, longestSeconds: 0 };
    if (Date.now() >= deadline) {
      for (const row of rows) await bench.client.query('select pg_cancel_backend($1)', [row.pid]);
      return { cancelled: rows.length, longestSeconds: Math.max(...rows.map((r) => r.seconds)) };
    }
    await sleep(200);
  }
}

let clockTicks: number | null = null;

/**
 * CPU seconds of PostgreSQL for the bench database: its live backends, plus
 * what the postmaster's reaped children used (user + system of waited-for
 * children, /proc/PID/stat fields 16-17): parallel workers live only for one
 * query, so sampling live processes alone would count them as "other". Other
 * databases' closed connections land there too (nothing else uses this server
 * during a quiet run).
 */
function postgresCpuSeconds(dbName: string): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let total = 0;
  let postmaster: number | null = null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // exited meanwhile
    }
    if (!cmd.startsWith('postgres: ') || !(cmd.includes(` ${dbName} `) || cmd.trimEnd().endsWith(` ${dbName}`))) continue;
    total += readProcCpuSeconds(Number(entry)) ?? 0;
    postmaster ??= Number(statFields(Number(entry))?.[1] ?? NaN);
  }
  const fields = postmaster ? statFields(postmaster) : null;
  if (fields) total += (Number(fields[13]) + Number(fields[14])) / clockTicks;
  return total;
}

/** /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** GET as the signed-in staff member; null when no answer came within --alone-timeout. */
async function getPage(bench: Bench, path: string): Promise<{ status: number; html: string; ms: number } | null> {
  const started = process.hrtime.bigint();
  try {
    const response = await fetch(`${bench.app.baseUrl}${path}`, {
      headers: { cookie: bench.cookie, accept: 'text/html' },
      signal: AbortSignal.timeout(bench.flags.aloneTimeout * 1000),
    });
    const html = await response.text();
    return { status: response.status, html, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      await cancelLeftovers(bench, 0);
      return null;
    }
    throw error;
  }
}

async function measure(bench: Bench, page: Page): Promise<PageResult> {
  const { app, flags, dbName } = bench;
  progress(`${page.name}: requests alone`);
  const aloneMs: number[] = [];
  while (aloneMs.length < 3) {
    const alone = await getPage(bench, page.path);
    if (!alone) break;
    aloneMs.push(alone.ms);
    if (alone.ms > 5_000) break;
  }
  const options: autocannon.Options = {
    url: `${app.baseUrl}${page.path}`,
    headers: { cookie: bench.cookie, accept: 'text/html' },
    connections: flags.connections,
    timeout: 60,
    verifyBody: (body) => body.includes(page.marker),
  };
  if (flags.warmup > 0) {
    await cannon({ ...options, duration: flags.warmup });
    await cancelLeftovers(bench);
  }
  progress(`${page.name}: ${flags.duration} s at ${flags.connections} connections`);
  const before = { app: app.cpuSeconds(), db: postgresCpuSeconds(dbName), bench: process.cpuUsage(), machine: readMachineCpu(), wall: process.hrtime.bigint() };
  const result = await cannon({ ...options, duration: flags.duration, title: page.name });
  const wall = Number(process.hrtime.bigint() - before.wall) / 1e9;
  const appAfter = app.cpuSeconds();
  const machineAfter = readMachineCpu();
  const benchUsage = process.cpuUsage(before.bench);
  const appCpu = before.app !== null && appAfter !== null ? ((appAfter - before.app) / wall) * 100 : null;
  const benchCpu = ((benchUsage.user + benchUsage.system) / 1e6 / wall) * 100;
  const dbCpu = (Math.max(0, postgresCpuSeconds(dbName) - before.db) / wall) * 100;
  const machine =
    before.machine && machineAfter ? ((machineAfter.busy - before.machine.busy) / (machineAfter.total - before.machine.total)) * os.cpus().length * 100 : null;
  const other = machine !== null && appCpu !== null ? Math.max(0, machine - appCpu - benchCpu - dbCpu) : null;
  const rssAfterKb = app.memory()?.rssKb ?? null;
  const leftovers = await cancelLeftovers(bench);
  progress(
    `${page.name}: alone ${aloneMs.map((ms) => ms.toFixed(0)).join(', ') || 'timed out'} ms; ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, ` +
      `p99 ${result.latency.p99} ms, ${JSON.stringify(result.statusCodeStats)}; ${leftovers.cancelled} statements cancelled after the run`,
  );
  return { page, aloneMs, result, cpu: { app: appCpu, bench: benchCpu, db: dbCpu, other }, rssAfterKb, leftovers };
}

/** The page's facts as a staff member reads them, next to the same facts counted in SQL. */
async function checkFigures(bench: Bench, heavyDonorId: string, levelsSetting: readonly Level[], currency: string): Promise<string[]> {
  const { client } = bench;
  const noAnswer = `no answer within ${bench.flags.aloneTimeout} s`;
  const shownTotal = async (path: string) => {
    const page = await getPage(bench, path);
    return page ? Number(/role="status">(\d+) donors?/.exec(page.html)?.[1] ?? NaN) : noAnswer;
  };
  const sqlCount = async (sql: string, params: unknown[] = []) => Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? NaN);
  const line = (what: string, shown: number | string, expected: number) =>
    `- ${what}: page ${shown}, SQL ${expected}${shown === expected ? ' (same)' : shown === noAnswer ? '' : ' — **differs**'}`;
  const lines: string[] = [];

  lines.push(line('GET /admin/donors, donors found', await shownTotal('/admin/donors'), await sqlCount('select count(*) as n from donors')));
  lines.push(
    line(
      'GET /admin/donors?q=smith, donors found',
      await shownTotal('/admin/donors?q=smith'),
      await sqlCount("select count(*) as n from donors where name ilike '%smith%' or email ilike '%smith%'"),
    ),
  );
  // Levels counted from the rule as docs state it: the larger of net gifts in the last 365 days and live memberships'
  // yearly commitment, in the organisation's currency only; every donor counts, those giving nothing at the first level.
  const { rows: levels } = await client.query<{ name: string; donors: string; giving: string }>(
    `with given as (select donor_id, sum(coalesce(amount_paid, amount) - amount_refunded) as g from donations
                    where currency = $3 and status in ('succeeded', 'partially_refunded') and paid_at > now() - interval '365 days'
                    group by donor_id),
          committed as (select donor_id, sum(case when interval = 'month' then amount * 12 else amount end) as c from memberships
                        where currency = $3 and status in ('active', 'trialing', 'past_due') group by donor_id),
          yearly as (select d.id, greatest(coalesce(g.g, 0), coalesce(c.c, 0)) as y from donors d
                     left join given g on g.donor_id = d.id left join committed c on c.donor_id = d.id),
          levels as (select l.name, l.min, lead(l.min) over (order by l.min) as below
                     from unnest($1::text[], $2::int[]) l(name, min))
     select l.name, count(y.id) as donors, count(y.id) filter (where y.y > 0) as giving
     from levels l left join yearly y on y.y >= l.min and (l.below is null or y.y < l.below)
     group by l.name, l.min order by l.min`,
    [levelsSetting.map((l) => l.name), levelsSetting.map((l) => l.min_yearly), currency],
  );
  const dashboard = await getPage(bench, '/admin');
  for (const level of levels) {
    const match = dashboard ? new RegExp(`data-level="${level.name}">.*?<td class="num">(\\d+)</td>`).exec(dashboard.html)?.[1] : undefined;
    const shown = dashboard ? Number(match ?? NaN) : noAnswer;
    const giving = Number(level.giving) === Number(level.donors) ? '' : `, ${n(Number(level.giving))} of them giving now`;
    lines.push(line(`GET /admin, "${level.name}" donors${giving}`, shown, Number(level.donors)));
    const found = await shownTotal(`/admin/donors?${new URLSearchParams({ level: level.name, sort: 'yearly' })}`);
    lines.push(line(`GET /admin/donors?level=${level.name}&sort=yearly (the dashboard row's link), donors found`, found, Number(level.donors)));
    if (typeof found === 'number' && typeof shown === 'number' && found !== shown) {
      lines.push(`  - the dashboard row says ${shown}; the list it links to finds ${found}`);
    }
  }
  const detail = await getPage(bench, `/admin/donors/${heavyDonorId}`);
  lines.push(
    line(
      'GET /admin/donors/:id (most gifts), "Given in all … in N gifts"',
      detail ? Number(/in (\d+) gifts?<\/dd>/.exec(detail.html)?.[1] ?? NaN) : noAnswer,
      await sqlCount("select count(*) as n from donations where donor_id = $1 and status in ('succeeded', 'partially_refunded')", [heavyDonorId]),
    ),
  );
  const pastEnd = Math.ceil((await sqlCount('select count(*) as n from donors')) / 50) + 1;
  const beyond = await getPage(bench, `/admin/donors?page=${pastEnd}`);
  lines.push(
    `- GET /admin/donors?page=${pastEnd} (one past the last page): ` +
      (beyond ? `status ${beyond.status}, says "${/role="status">([^<]*)</.exec(beyond.html)?.[1] ?? '?'}"` : noAnswer),
  );
  return lines;
}

interface TimedQuery {
  sql: string;
  bindings: unknown[];
  ms: number;
}

interface Profile {
  name: string;
  totalMs: number;
  queries: TimedQuery[];
  /** Set when a statement hit the statement timeout. */
  error: string | null;
  warm: boolean;
}

/** Calls `fn` recording each query's wall time (knex query events); again, warm, when the first call was quick. */
async function profile(db: ReturnType<typeof createDb>, name: string, fn: () => Promise<unknown>): Promise<Profile> {
  const once = async () => {
    const started = new Map<string, { sql: string; bindings: unknown[]; at: bigint }>();
    const queries: TimedQuery[] = [];
    const onQuery = (q: { __knexQueryUid: string; sql: string; bindings: unknown[] }) =>
      started.set(q.__knexQueryUid, { sql: q.sql, bindings: q.bindings ?? [], at: process.hrtime.bigint() });
    const onEnd = (_result: unknown, q: { __knexQueryUid: string }) => {
      const s = started.get(q.__knexQueryUid);
      if (s) queries.push({ sql: s.sql, bindings: s.bindings, ms: Number(process.hrtime.bigint() - s.at) / 1e6 });
    };
    db.on('query', onQuery).on('query-response', onEnd).on('query-error', onEnd);
    const at = process.hrtime.bigint();
    let error: string | null = null;
    try {
      await fn();
    } catch (e) {
      error = e instanceof Error ? e.message.slice(-120) : String(e);
    } finally {
      db.removeListener('query', onQuery).removeListener('query-response', onEnd).removeListener('query-error', onEnd);
    }
    return { name, totalMs: Number(process.hrtime.bigint() - at) / 1e6, queries, error, warm: false };
  };
  const first = await once();
  return first.error || first.totalMs > 5_000 ? first : { ...(await once()), warm: true };
}

const oneLine = (sql: string, max = 110) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/** EXPLAIN (ANALYZE, BUFFERS) within --alone-timeout; the estimated plan alone when it takes longer. */
async function explain(bench: Bench, query: TimedQuery): Promise<string> {
  const { client } = bench;
  const plan = async (options: string) =>
    (await client.query<{ 'QUERY PLAN': string }>(`explain (${options}) ${query.sql}`, query.bindings)).rows.map((r) => r['QUERY PLAN']).join('\n');
  await client.query(`set statement_timeout = ${bench.flags.aloneTimeout * 1000}`);
  try {
    return await plan('analyze, buffers');
  } catch (error) {
    if ((error as { code?: string }).code !== '57014') throw error;
    return `-- EXPLAIN ANALYZE did not finish within ${bench.flags.aloneTimeout} s; the estimated plan:\n${await plan('costs')}`;
  } finally {
    await client.query('reset statement_timeout');
  }
}

/** The donor with the most gifts, and one with the median number (unpaid Checkout attempts have no donor). */
async function pickDonors(client: Client): Promise<[{ id: string; gifts: number }, { id: string; gifts: number }]> {
  const { rows } = await client.query<{ id: string; gifts: string }>(
    `with c as (select donor_id as id, count(*) as gifts from donations where donor_id is not null group by donor_id)
     (select id, gifts from c order by gifts desc, id limit 1)
     union all
     (select id, gifts from c where gifts = (select percentile_disc(0.5) within group (order by gifts) from c) order by id limit 1)`,
  );
  const [heavy, typical] = rows.map((r) => ({ id: r.id, gifts: Number(r.gifts) }));
  if (!heavy || !typical) throw new Error('the database has no donations; run without --reuse to seed it');
  return [heavy, typical];
}

function aloneCell(ms: number[], timeoutS: number): string {
  if (ms.length === 0) return `> ${timeoutS * 1000}`;
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return sorted.length === 1 ? median.toFixed(0) : `${median.toFixed(0)} (${sorted.at(-1)!.toFixed(0)})`;
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)}%`);
const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (value: number) => value.toLocaleString('en-US');
const table = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `${k} ${n(v)}`).join(', ');

function report(input: {
  started: Date;
  version: string;
  flags: Flags;
  url: string;
  seed: SeedReport | null;
  counts: SeedReport['counts'];
  busyBefore: number | null;
  loadAtStart: number[];
  results: PageResult[];
  app: BenchApp;
  idleRssKb: number | null;
  peakRssKb: number | null;
  shutdown: string;
  auditRows: number;
  profiles: Profile[];
  checks: string[];
  plans: { title: string; plan: string }[];
}): string {
  const { flags, counts, results } = input;
  const cpus = os.cpus();
  const lines: string[] = [`### ${input.started.toISOString().slice(0, 16).replace('T', ' ')} UTC — staff console, PostgreSQL ${input.version}, ${n(counts.donors)} donors`, ''];
  lines.push(
    `- Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (autocannon, app and PostgreSQL on it), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version};` +
      ` before the load ${input.busyBefore === null ? 'n/a' : `${input.busyBefore.toFixed(0)}%`} of all cores busy (3 s sample), load average ${input.loadAtStart.map((l) => l.toFixed(2)).join(' ')}` +
      (input.busyBefore !== null && input.busyBefore >= QUIET_BUSY_PCT ? ' — **not quiet: other processes competed for the CPU**' : ''),
    `- Code: ${codeVersion(['src', 'views', 'migrations'])}; database ${redactUrl(input.url)}`,
    `- Command: \`npm run bench:admin${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    `- Dataset: ${n(counts.donors)} donors (${n(counts.smithDonors)} with "smith" in name or email); ` +
      `${n(Object.values(counts.donations).reduce((a, b) => a + b, 0))} donations (${table(counts.donations)}; ${table(counts.donationsByFrequency)}; ` +
      `${n(counts.membershipDonations)} linked to a membership); memberships ${table(counts.memberships)}; ${n(counts.receipts)} receipts; database ${(counts.databaseBytes / 1024 ** 2).toFixed(0)} MB`,
  );
  if (input.seed) lines.push(`- Seeding (set-based SQL, one connection): ${secs(input.seed.totalMs)} — ${input.seed.steps.map((s) => `${s.name} ${secs(s.ms)}`).join('; ')}`);
  lines.push(
    `- Load: first requests one at a time (three, or one when it takes over 5 s), then ${flags.connections} connections for ${flags.duration} s after ${flags.warmup} s unrecorded warm-up, signed in as an admin; ` +
      'the app as `npm start` runs it (development mode, LOG_LEVEL=info)',
    '',
    '| page | alone, ms (median, max) | req/s | p50 ms | p97.5 ms | p99 ms | max ms | responses | status codes | errors / timeouts / body mismatches | still running after the run (cancelled) | CPU app / postgres / autocannon / other | app RSS after |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  );
  for (const { page, aloneMs, result, cpu, rssAfterKb, leftovers } of results) {
    const codes = Object.entries(result.statusCodeStats).map(([s, { count }]) => `${s}: ${count}`).join(', ') || 'none';
    const total = Object.values(result.statusCodeStats).reduce((sum, { count }) => sum + count, 0);
    lines.push(
      `| ${page.name} | ${aloneCell(aloneMs, flags.aloneTimeout)} | ${result.requests.average.toFixed(1)} | ${result.latency.p50} | ` +
        `${result.latency.p97_5} | ${result.latency.p99} | ${result.latency.max} | ${total} | ${codes} | ${result.errors} / ${result.timeouts} / ${result.mismatches} | ` +
        `${leftovers.cancelled ? `${leftovers.cancelled} (oldest ${leftovers.longestSeconds.toFixed(0)} s)` : '0'} | ${pct(cpu.app)} / ${pct(cpu.db)} / ${pct(cpu.bench)} / ${pct(cpu.other)} | ${mb(rssAfterKb)} |`,
    );
  }
  const noisy = results.filter((r) => r.cpu.other !== null && r.cpu.other > NOISY_OTHER_PCT);
  if (noisy.length > 0) {
    lines.push('', `**Noisy:** other processes used more than ${NOISY_OTHER_PCT}% of a core during ${noisy.map((r) => r.page.name).join(', ')}; those figures are worse than this machine can do.`);
  }
  lines.push(
    '',
    `CPU in % of one core (the machine has ${cpus.length}): the app process; PostgreSQL (the bench database's backends and its parallel workers); autocannon; everything else. ` +
      `Latencies are autocannon's; a request still unanswered when a run ends counts in neither. App RSS 2 s after sign-in ${mb(input.idleRssKb)}, peak ${mb(input.peakRssKb)}; ${input.shutdown}. ` +
      `App request log by status ${JSON.stringify(input.app.logs.requestStatus)}. Each donor page view wrote an audit_log row (${n(input.auditRows)} \`donor.viewed\` rows).`,
  );
  const problems = [...input.app.logs.problems.values()];
  if (problems.length > 0) {
    lines.push('', 'Warnings and errors the app logged (statements the bench cancelled end as errors):', '');
    for (const p of problems) lines.push(`- ${p.level} ×${p.count} "${p.msg}": \`${p.sample.slice(0, 300).replace(/`/g, "'")}\``);
  }
  lines.push(
    '',
    'Query time per page, in-process (the functions the routes call, wall time per query with the pg round trip; warm = second call):',
    '',
    '| page | queries | model ms | slowest queries (ms) |',
    '| --- | ---: | ---: | --- |',
  );
  for (const p of input.profiles) {
    const top = [...p.queries].sort((a, b) => b.ms - a.ms).slice(0, 3).map((q) => `${q.ms.toFixed(0)}: \`${oneLine(q.sql, 70).replace(/\|/g, '\\|')}\``);
    const total = p.error ? `${p.totalMs.toFixed(0)} (failed: ${p.error.replace(/\|/g, '\\|')})` : `${p.totalMs.toFixed(0)}${p.warm ? ' (warm)' : ' (first call)'}`;
    lines.push(`| ${p.name} | ${p.queries.length} | ${total} | ${top.join('<br>')} |`);
  }
  lines.push('', 'Figures on the pages against SQL (after the runs):', '', ...input.checks, '');
  for (const { title, plan } of input.plans) lines.push(title, '', '```', plan, '```', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const url = process.env.BENCH_ADMIN_DATABASE_URL?.trim() || DEFAULT_URL;
  const dbName = databaseName(url);
  const pagesBudget = 7 * (flags.aloneTimeout + flags.warmup + flags.duration + 70);
  const budgetMs = (300 + flags.quietWait + flags.sizes.donations / 1_000 + pagesBudget + 30 * flags.aloneTimeout) * 1000;
  let app: BenchApp | null = null;
  const watchdog = setTimeout(() => {
    progress(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; killing the app`);
    app?.kill();
    process.exit(2);
  }, budgetMs);
  const started = new Date();
  const db = createDb({ url, poolMax: 2 });
  // Profiled queries stop at --alone-timeout too.
  const profileDb = createDb({ url: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c statement_timeout=${flags.aloneTimeout * 1000}`)}`, poolMax: 2 });
  const client = new Client({ connectionString: url });
  try {
    let seed: SeedReport | null = null;
    if (!flags.reuse) {
      progress(`recreating ${await recreateBenchDatabase(url)} and migrating`);
      await migrateToLatest(db);
      progress(`seeding ${flags.sizes.donors} donors, ${flags.sizes.memberships} memberships, ~${flags.sizes.donations} donations`);
      seed = await seedDonors(url, flags.sizes, new Date());
      progress(`seeded in ${secs(seed.totalMs)}`);
    }
    await client.connect();
    const email = `bench-admin-${randomBytes(4).toString('hex')}@example.org`;
    const password = randomBytes(18).toString('base64url');
    await createStaffUser(db, { email, password, role: 'admin' });
    const counts = seed?.counts ?? (await countSeededRows(db));
    const [heavy, typical] = await pickDonors(client);
    const pages: Page[] = [
      { name: 'GET /admin (dashboard)', path: '/admin', marker: 'data-figure="raised"' },
      { name: 'GET /admin/donors', path: '/admin/donors', marker: 'data-donor=' },
      { name: 'GET /admin/donors?sort=yearly', path: '/admin/donors?sort=yearly', marker: 'data-donor=' },
      { name: 'GET /admin/donors?level=Sustainer', path: '/admin/donors?level=Sustainer', marker: 'data-donor=' },
      { name: 'GET /admin/donors?q=smith', path: '/admin/donors?q=smith', marker: 'data-donor=' },
      { name: `GET /admin/donors/:id (most gifts: ${heavy.gifts})`, path: `/admin/donors/${heavy.id}`, marker: 'Given in all' },
      { name: `GET /admin/donors/:id (median donor: ${typical.gifts} gifts)`, path: `/admin/donors/${typical.id}`, marker: 'Given in all' },
    ];

    const busyBefore = await waitQuiet(flags.quietWait, progress);
    const loadAtStart = os.loadavg();
    progress('starting the app');
    app = await startBenchApp({ databaseUrl: url });
    const running = app;
    const bench: Bench = { app: running, cookie: await signIn(running, email, password), client, dbName, flags };
    await sleep(2_000);
    const idleRssKb = running.memory()?.rssKb ?? null;
    const results: PageResult[] = [];
    for (const page of pages) results.push(await measure(bench, page));
    const auditRows = Number((await client.query<{ n: string }>("select count(*) as n from audit_log where action = 'donor.viewed'")).rows[0]?.n ?? 0);
    progress('checking figures against SQL');
    const orgSettings = await readSettings(db);
    const checks = await checkFigures(bench, heavy.id, orgSettings.membership_levels, orgSettings.giving.currency);
    const stop = await running.stop();
    app = null;
    await cancelLeftovers(bench, 0);

    progress('profiling queries in-process and running EXPLAIN');
    const settings = await readSettings(db);
    const search = (q: Record<string, string>) => () => loadDonorSearchView(profileDb, donorSearchQuery.parse(q), settings);
    const profiles: Profile[] = [];
    const calls: [string, () => Promise<unknown>][] = [
      [pages[0]!.name, () => loadDashboardView(profileDb, settings, { namesDonors: true })],
      [pages[1]!.name, search({})],
      [pages[2]!.name, search({ sort: 'yearly' })],
      [pages[3]!.name, search({ level: 'Sustainer' })],
      [pages[4]!.name, search({ q: 'smith' })],
      [pages[5]!.name, () => loadDonorRecordView(profileDb, heavy.id, settings)],
    ];
    for (const [name, fn] of calls) {
      progress(`profiling ${name}`);
      profiles.push(await profile(profileDb, name, fn));
    }
    const plans: { title: string; plan: string }[] = [];
    const searchQuery = profiles[1]!.queries[0];
    if (searchQuery) {
      progress('EXPLAIN ANALYZE: default donor search');
      plans.push({ title: 'EXPLAIN (ANALYZE, BUFFERS), donor search with the default query (`GET /admin/donors`):', plan: await explain(bench, searchQuery) });
    }
    for (const q of [...profiles[0]!.queries].sort((a, b) => b.ms - a.ms).slice(0, 2)) {
      progress('EXPLAIN ANALYZE: a dashboard query');
      plans.push({ title: `EXPLAIN (ANALYZE, BUFFERS), dashboard query taking ${q.ms.toFixed(0)} ms: \`${oneLine(q.sql, 160)}\``, plan: await explain(bench, q) });
    }

    const shutdown = `SIGTERM to exit ${stop.shutdownMs} ms, exit ${stop.exitCode ?? stop.signal}${stop.forced ? ' (FORCED with SIGKILL)' : ''}`;
    out(
      `\n${report({ started, version: await serverVersion(url), flags, url, seed, counts, busyBefore, loadAtStart, results, app: running, idleRssKb, peakRssKb: stop.time?.maxRssKb ?? stop.appHwmKb, shutdown, auditRows, profiles, checks, plans })}\n`,
    );
  } finally {
    if (app) {
      progress('stopping the app after an error');
      const stopped = await Promise.race([app.stop().then(() => true, () => false), sleep(25_000).then(() => false)]);
      if (!stopped) app.kill();
    }
    await client.end().catch(() => undefined);
    await Promise.all([db.destroy(), profileDb.destroy()]);
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:admin failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
