/**
 * Staff console at newsroom scale: seeds a PostgreSQL database with a donor
 * base (bench/seed-donors.ts), starts the real app on it, signs in as staff
 * and drives the console's read pages with autocannon; then checks a few
 * figures the pages show against SQL, times each page's queries in-process
 * and runs EXPLAIN (ANALYZE, BUFFERS) on the heaviest ones. Prints markdown.
 *
 *   npm run bench:admin -- [--donors 50000] [--donations N] [--memberships N]
 *                          [--duration 10] [--warmup 2] [--connections 4] [--reuse]
 *
 * The database (default postgres://postgres@127.0.0.1:5432/sustain_bench_admin,
 * or BENCH_ADMIN_DATABASE_URL) is dropped and recreated unless --reuse; its
 * name must contain "bench". Not a test: nothing here asserts on timings.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { dashboardModel } from '../src/admin/dashboard';
import { donorDetail } from '../src/admin/donor-detail';
import { donorSearchQuery, searchDonors } from '../src/admin/donor-search';
import { createStaffUser } from '../src/admin/staff-users';
import { createDb, migrateToLatest } from '../src/db/knex';
import { readSettings } from '../src/settings/settings';
import { readMachineCpu, readMatchingCpuSeconds, ROOT, startBenchApp, type BenchApp } from './app-process';
import { databaseName, recreateBenchDatabase, redactUrl, serverVersion } from './database';
import { countSeededRows, seedDonors, type SeedReport } from './seed-donors';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/sustain_bench_admin';
/** Below this share of all cores busy, the machine counts as quiet enough to measure on (as in bench/run.ts). */
const QUIET_BUSY_PCT = 15;
/** "Other" CPU above this (% of one core) during a page marks it as noisy. */
const NOISY_OTHER_PCT = 25;
const out = (text: string) => process.stdout.write(text);
const progress = (text: string) => process.stderr.write(`[bench:admin] ${text}\n`);

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
      'quiet-wait': { type: 'string', default: '0' },
      reuse: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(
      'usage: npm run bench:admin -- [--donors N (default 50000)] [--donations N (default 5 per donor)] [--memberships N (default 16 % of donors)]\n' +
        '         [--duration S (10)] [--warmup S (2)] [--connections N (4)] [--reuse (keep the seeded database)]\n' +
        `         [--quiet-wait S (0): before the load, wait up to S s for the machine to be under ${QUIET_BUSY_PCT}% busy]\n` +
        `env: BENCH_ADMIN_DATABASE_URL (default ${DEFAULT_URL}); its name must contain "bench"\n`,
    );
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return value;
  };
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

interface PageResult {
  page: Page;
  result: autocannon.Result;
  cpu: { app: number | null; bench: number; db: number; other: number | null };
  rssAfterKb: number | null;
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

async function measure(app: BenchApp, page: Page, cookie: string, flags: Flags, dbName: string): Promise<PageResult> {
  const ours = (cmd: string) => cmd.startsWith('postgres: ') && (cmd.includes(` ${dbName} `) || cmd.trimEnd().endsWith(` ${dbName}`));
  const options: autocannon.Options = {
    url: `${app.baseUrl}${page.path}`,
    headers: { cookie, accept: 'text/html' },
    connections: flags.connections,
    timeout: 30,
    verifyBody: (body) => body.includes(page.marker),
  };
  if (flags.warmup > 0) await cannon({ ...options, duration: flags.warmup });
  progress(`${page.name}: ${flags.duration} s at ${flags.connections} connections`);
  const before = { app: app.cpuSeconds(), db: readMatchingCpuSeconds(ours), bench: process.cpuUsage(), machine: readMachineCpu(), wall: process.hrtime.bigint() };
  const result = await cannon({ ...options, duration: flags.duration, title: page.name });
  const wall = Number(process.hrtime.bigint() - before.wall) / 1e9;
  const appAfter = app.cpuSeconds();
  const machineAfter = readMachineCpu();
  const benchUsage = process.cpuUsage(before.bench);
  const app_ = before.app !== null && appAfter !== null ? ((appAfter - before.app) / wall) * 100 : null;
  const bench = ((benchUsage.user + benchUsage.system) / 1e6 / wall) * 100;
  const db = (Math.max(0, readMatchingCpuSeconds(ours) - before.db) / wall) * 100;
  const machine =
    before.machine && machineAfter ? ((machineAfter.busy - before.machine.busy) / (machineAfter.total - before.machine.total)) * os.cpus().length * 100 : null;
  const cpu = { app: app_, bench, db, other: machine !== null && app_ !== null ? Math.max(0, machine - app_ - bench - db) : null };
  progress(`${page.name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${JSON.stringify(result.statusCodeStats)}`);
  return { page, result, cpu, rssAfterKb: app.memory()?.rssKb ?? null };
}

/** The page's facts as a staff member reads them, next to the same facts counted in SQL. */
async function checkFigures(app: BenchApp, cookie: string, client: Client, heavyDonorId: string): Promise<string[]> {
  const get = async (path: string) => {
    const response = await fetch(`${app.baseUrl}${path}`, { headers: { cookie, accept: 'text/html' }, signal: AbortSignal.timeout(30_000) });
    return { status: response.status, html: await response.text() };
  };
  const shownTotal = (html: string) => Number(/role="status">(\d+) donors?/.exec(html)?.[1] ?? NaN);
  const sqlCount = async (sql: string, params: unknown[] = []) => Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? NaN);
  const line = (what: string, shown: number | string, expected: number | string) =>
    `- ${what}: page ${shown}, SQL ${expected}${String(shown) === String(expected) ? ' (same)' : ' — **differs**'}`;
  const lines: string[] = [];

  lines.push(line('GET /admin/donors, donors found', shownTotal((await get('/admin/donors')).html), await sqlCount('select count(*) as n from donors')));
  lines.push(
    line(
      'GET /admin/donors?q=smith, donors found',
      shownTotal((await get('/admin/donors?q=smith')).html),
      await sqlCount("select count(*) as n from donors where name ilike '%smith%' or email ilike '%smith%'"),
    ),
  );
  // Levels, counted from the rule as docs state it: the larger of net gifts in the last 365 days and live memberships' yearly commitment.
  const { rows: levelRows } = await client.query<{ name: string; min: number; below: number | null; giving: string; all_donors: string }>(
    `with given as (select donor_id, sum(coalesce(amount_paid, amount) - amount_refunded) as g from donations
                    where status in ('succeeded', 'partially_refunded') and paid_at > now() - interval '365 days' group by donor_id),
          committed as (select donor_id, sum(case when interval = 'month' then amount * 12 else amount end) as c from memberships
                        where status in ('active', 'trialing', 'past_due') group by donor_id),
          yearly as (select d.id, greatest(coalesce(g.g, 0), coalesce(c.c, 0)) as y from donors d
                     left join given g on g.donor_id = d.id left join committed c on c.donor_id = d.id),
          levels as (select l.name, l.min, lead(l.min) over (order by l.min) as below
                     from (values ('Supporter', 0), ('Member', 6000), ('Sustainer', 12000), ('Leadership Circle', 100000)) l(name, min))
     select l.name, l.min, l.below,
            count(y.id) filter (where y.y > 0) as giving, count(y.id) as all_donors
     from levels l left join yearly y on y.y >= l.min and (l.below is null or y.y < l.below)
     group by l.name, l.min, l.below order by l.min`,
  );
  const dashboard = (await get('/admin')).html;
  for (const level of levelRows) {
    const shown = Number(new RegExp(`data-level="${level.name}">.*?<td class="num">(\\d+)</td>`).exec(dashboard)?.[1] ?? NaN);
    lines.push(line(`GET /admin, "${level.name}" donors (giving now)`, shown, Number(level.giving)));
    const search = shownTotal((await get(`/admin/donors?${new URLSearchParams({ level: level.name, sort: 'yearly' })}`)).html);
    lines.push(line(`GET /admin/donors?level=${level.name} (the dashboard's link), donors found`, search, Number(level.all_donors)));
    if (search !== shown) lines.push(`  - the dashboard row says ${shown} donors; the list it links to finds ${search} (it also counts donors who gave nothing in 12 months)`);
  }
  const detail = (await get(`/admin/donors/${heavyDonorId}`)).html;
  const gifts = /in (\d+) gifts?<\/dd>/.exec(detail)?.[1] ?? 'missing';
  lines.push(
    line(
      'GET /admin/donors/:id (most gifts), "Given in all … in N gifts"',
      gifts,
      await sqlCount("select count(*) as n from donations where donor_id = $1 and status in ('succeeded', 'partially_refunded')", [heavyDonorId]),
    ),
  );
  const donorsCount = await sqlCount('select count(*) as n from donors');
  const pastEnd = Math.ceil(donorsCount / 50) + 1;
  const beyond = await get(`/admin/donors?page=${pastEnd}`);
  lines.push(`- GET /admin/donors?page=${pastEnd} (one past the last page): status ${beyond.status}, says "${/role="status">([^<]*)</.exec(beyond.html)?.[1] ?? '?'}"`);
  return lines;
}

interface TimedQuery {
  sql: string;
  bindings: unknown[];
  ms: number;
}

/** Runs `fn` once to warm up, then again recording each query's wall time (knex query events). */
async function profile(db: ReturnType<typeof createDb>, fn: () => Promise<unknown>): Promise<{ totalMs: number; queries: TimedQuery[] }> {
  await fn();
  const started = new Map<string, { sql: string; bindings: unknown[]; at: bigint }>();
  const queries: TimedQuery[] = [];
  const onQuery = (q: { __knexQueryUid: string; sql: string; bindings: unknown[] }) =>
    started.set(q.__knexQueryUid, { sql: q.sql, bindings: q.bindings ?? [], at: process.hrtime.bigint() });
  const onResponse = (_rows: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (s) queries.push({ sql: s.sql, bindings: s.bindings, ms: Number(process.hrtime.bigint() - s.at) / 1e6 });
  };
  db.on('query', onQuery).on('query-response', onResponse);
  const at = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    db.removeListener('query', onQuery).removeListener('query-response', onResponse);
  }
  return { totalMs: Number(process.hrtime.bigint() - at) / 1e6, queries };
}

const oneLine = (sql: string, max = 110) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

async function explain(client: Client, query: TimedQuery): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, query.bindings);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Share of all cores busy over `ms`, from /proc/stat. */
async function machineBusy(ms: number): Promise<number | null> {
  const before = readMachineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = readMachineCpu();
  return before && after && after.total > before.total ? ((after.busy - before.busy) / (after.total - before.total)) * 100 : null;
}

/** Waits (bounded) for other work on the machine to finish; returns the last busy sample. */
async function waitQuiet(maxSeconds: number): Promise<number | null> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await machineBusy(3_000);
  while (busy !== null && busy >= QUIET_BUSY_PCT && Date.now() < deadline) {
    progress(`machine ${busy.toFixed(0)}% busy (other processes); waiting for it to be under ${QUIET_BUSY_PCT}%`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    busy = await machineBusy(3_000);
  }
  return busy;
}

function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'views', 'migrations'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} uncommitted change(s) in src/ views/ migrations/` : head;
  } catch {
    return 'unknown (no git)';
  }
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)}%`);
const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const table = (record: Record<string, number>) => Object.entries(record).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ');

function datasetLines(seed: SeedReport | null, counts: SeedReport['counts']): string[] {
  const lines = [
    `- Dataset: ${counts.donors.toLocaleString('en-US')} donors (${counts.smithDonors.toLocaleString('en-US')} with "smith" in name or email); ` +
      `${Object.values(counts.donations).reduce((a, b) => a + b, 0).toLocaleString('en-US')} donations (${table(counts.donations)}; ${table(counts.donationsByFrequency)}; ` +
      `${counts.membershipDonations.toLocaleString('en-US')} linked to a membership); memberships ${table(counts.memberships)}; ` +
      `${counts.receipts.toLocaleString('en-US')} receipts; database ${(counts.databaseBytes / 1024 ** 2).toFixed(0)} MB`,
  ];
  if (seed) lines.push(`- Seeding (set-based SQL, one connection): ${secs(seed.totalMs)} — ${seed.steps.map((s) => `${s.name} ${secs(s.ms)}`).join('; ')}`);
  return lines;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const url = process.env.BENCH_ADMIN_DATABASE_URL?.trim() || DEFAULT_URL;
  const dbName = databaseName(url);
  const budgetMs = 600_000 + 8 * (flags.warmup + flags.duration + 60) * 1000 + flags.sizes.donations / 10;
  let app: BenchApp | null = null;
  const watchdog = setTimeout(() => {
    progress(`run exceeded its ${Math.round(budgetMs / 1000)} s budget; killing the app`);
    app?.kill();
    process.exit(2);
  }, budgetMs);
  const started = new Date();
  const now = new Date();
  const db = createDb({ url, poolMax: 4 });
  const client = new Client({ connectionString: url });
  try {
    let seed: SeedReport | null = null;
    if (!flags.reuse) {
      progress(`recreating ${await recreateBenchDatabase(url)} and migrating`);
      await migrateToLatest(db);
      progress(`seeding ${flags.sizes.donors} donors, ${flags.sizes.memberships} memberships, ~${flags.sizes.donations} donations`);
      seed = await seedDonors(url, flags.sizes, now);
      progress(`seeded in ${secs(seed.totalMs)}`);
    }
    await client.connect();
    const email = `bench-admin-${randomBytes(4).toString('hex')}@example.org`;
    const password = randomBytes(18).toString('base64url');
    await createStaffUser(db, { email, password, role: 'admin' });
    const counts = seed?.counts ?? (await countSeededRows(client));
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

    const busyBefore = await waitQuiet(flags.quietWait);
    const loadAtStart = os.loadavg();
    progress('starting the app');
    app = await startBenchApp({ databaseUrl: url });
    const running = app;
    const cookie = await signIn(running, email, password);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idle = running.memory();
    const results: PageResult[] = [];
    for (const page of pages) results.push(await measure(running, page, cookie, flags, dbName));
    const auditRows = Number((await client.query<{ n: string }>("select count(*) as n from audit_log where action = 'donor.viewed'")).rows[0]?.n ?? 0);
    progress('checking figures against SQL');
    const checks = await checkFigures(running, cookie, client, heavy.id);
    const stop = await running.stop();
    app = null;

    progress('profiling queries in-process and running EXPLAIN');
    const settings = await readSettings(db);
    const search = (q: Record<string, string>) => () => searchDonors(db, donorSearchQuery.parse(q), settings);
    const profiles = [
      { name: pages[0]!.name, fn: () => dashboardModel(db, settings) },
      { name: pages[1]!.name, fn: search({}) },
      { name: pages[2]!.name, fn: search({ sort: 'yearly' }) },
      { name: pages[3]!.name, fn: search({ level: 'Sustainer' }) },
      { name: pages[4]!.name, fn: search({ q: 'smith' }) },
      { name: pages[5]!.name, fn: () => donorDetail(db, heavy.id, settings) },
    ];
    const profiled: { name: string; totalMs: number; queries: TimedQuery[] }[] = [];
    for (const p of profiles) profiled.push({ name: p.name, ...(await profile(db, p.fn)) });
    const slowest = (queries: TimedQuery[]) => [...queries].sort((a, b) => b.ms - a.ms);
    const searchPlan = await explain(client, profiled[1]!.queries[0]!);
    const dashboardTop = slowest(profiled[0]!.queries).slice(0, 2);
    const dashboardPlans = [];
    for (const q of dashboardTop) dashboardPlans.push({ q, plan: await explain(client, q) });

    const lines: string[] = [];
    const cpus = os.cpus();
    lines.push(`### ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — staff console, PostgreSQL ${await serverVersion(url)}, ${counts.donors.toLocaleString('en-US')} donors`, '');
    lines.push(
      `- Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (autocannon, app and PostgreSQL on it), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version};` +
        ` before the load ${busyBefore === null ? 'n/a' : `${busyBefore.toFixed(0)}%`} of all cores busy (3 s sample), load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}` +
        (busyBefore !== null && busyBefore >= QUIET_BUSY_PCT ? ' — **not quiet: other processes competed for the CPU**' : ''),
      `- Code: ${codeVersion()}; database ${redactUrl(url)}`,
      `- Command: \`npm run bench:admin -- ${process.argv.slice(2).join(' ')}\``.replace(' -- `', '`'),
      ...datasetLines(seed, counts),
      `- Load: ${flags.connections} connections, ${flags.duration} s per page after ${flags.warmup} s unrecorded warm-up, signed in as an admin (cookie \`sustain_staff\`); app in development mode as \`npm start\` runs it (LOG_LEVEL=info)`,
      '',
      '| page | req/s | p50 ms | p97.5 ms | p99 ms | max ms | responses | status codes | errors / timeouts / body mismatches | CPU app / postgres / autocannon / other | app RSS after |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    );
    for (const { page, result, cpu, rssAfterKb } of results) {
      const codes = Object.entries(result.statusCodeStats).map(([s, { count }]) => `${s}: ${count}`).join(', ') || 'none';
      const total = Object.values(result.statusCodeStats).reduce((sum, { count }) => sum + count, 0);
      lines.push(
        `| ${page.name} | ${result.requests.average.toFixed(1)} | ${result.latency.p50} | ${result.latency.p97_5} | ${result.latency.p99} | ${result.latency.max} | ` +
          `${total} | ${codes} | ${result.errors} / ${result.timeouts} / ${result.mismatches} | ${pct(cpu.app)} / ${pct(cpu.db)} / ${pct(cpu.bench)} / ${pct(cpu.other)} | ${mb(rssAfterKb)} |`,
      );
    }
    const noisy = results.filter((r) => r.cpu.other !== null && r.cpu.other > NOISY_OTHER_PCT);
    if (noisy.length > 0) {
      lines.push('', `**Noisy:** other processes used more than ${NOISY_OTHER_PCT}% of a core during ${noisy.map((r) => r.page.name).join(', ')}; those figures are worse than this machine can do.`);
    }
    lines.push(
      '',
      `CPU in % of one core (the machine has ${cpus.length}): the app process, the PostgreSQL backends of ${dbName}, autocannon, everything else. ` +
        `App RSS 2 s after sign-in (idle) ${mb(idle?.rssKb ?? null)}, peak ${mb(stop.time?.maxRssKb ?? stop.appHwmKb)}; SIGTERM to exit ${stop.shutdownMs} ms, exit ${stop.exitCode ?? stop.signal}. ` +
        `App request log by status ${JSON.stringify(running.logs.requestStatus)}; ${running.logs.problems.size} distinct warn/error messages. ` +
        `Each donor page view wrote an audit_log row (${auditRows.toLocaleString('en-US')} \`donor.viewed\` rows after the runs).`,
      '',
      'Query time per page (in-process, the same functions the routes call, one warm call, wall time per query including the pg round trip):',
      '',
      '| page | queries | model ms | slowest queries (ms) |',
      '| --- | ---: | ---: | --- |',
    );
    for (const p of profiled) {
      const top = slowest(p.queries).slice(0, 3).map((q) => `${q.ms.toFixed(0)}: \`${oneLine(q.sql, 70).replace(/\|/g, '\\|')}\``).join('<br>');
      lines.push(`| ${p.name} | ${p.queries.length} | ${p.totalMs.toFixed(0)} | ${top} |`);
    }
    if (running.logs.problems.size > 0) {
      lines.push('', 'Warnings and errors the app logged:', '');
      for (const p of running.logs.problems.values()) lines.push(`- ${p.level} ×${p.count} "${p.msg}": \`${p.sample.slice(0, 400).replace(/`/g, "'")}\``);
    }
    lines.push('', 'Figures on the pages against SQL (after the runs):', '', ...checks, '');
    lines.push('EXPLAIN (ANALYZE, BUFFERS), donor search with the default query (`GET /admin/donors`):', '', '```', searchPlan, '```', '');
    for (const { q, plan } of dashboardPlans) {
      lines.push(`EXPLAIN (ANALYZE, BUFFERS), dashboard query taking ${q.ms.toFixed(0)} ms: \`${oneLine(q.sql, 160)}\``, '', '```', plan, '```', '');
    }
    out(`\n${lines.join('\n')}\n`);
  } finally {
    if (app) {
      progress('stopping the app after an error');
      const stopped = await Promise.race([app.stop().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 25_000))]);
      if (!stopped) app.kill();
    }
    await client.end().catch(() => undefined);
    await db.destroy();
    clearTimeout(watchdog);
  }
}

/** The donor with the most gifts, and one with the median number. */
async function pickDonors(client: Client): Promise<[{ id: string; gifts: number }, { id: string; gifts: number }]> {
  const { rows } = await client.query<{ id: string; gifts: string }>(
    `with c as (select donor_id as id, count(*) as gifts from donations group by donor_id)
     (select id, gifts from c order by gifts desc, id limit 1)
     union all
     (select id, gifts from c where gifts = (select percentile_disc(0.5) within group (order by gifts) from c) order by id limit 1)`,
  );
  const [heavy, typical] = rows.map((r) => ({ id: r.id, gifts: Number(r.gifts) }));
  if (!heavy || !typical) throw new Error('the database has no donations; run without --reuse to seed it');
  return [heavy, typical];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:admin failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
