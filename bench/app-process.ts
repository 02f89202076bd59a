import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/**
 * Runs the real product the way `npm start` does (`tsx src/main.ts`), wrapped
 * in `/usr/bin/time -v` when it exists so the kernel's peak-RSS accounting is
 * reported after exit. Everything listens on loopback; ports are chosen by
 * the OS (PORT=0, STRIPE_EMULATOR_PORT=0).
 */

export const ROOT = path.resolve(__dirname, '..');
export const TIME_BIN = '/usr/bin/time';
const TSX_BIN = path.join(ROOT, 'node_modules/.bin/tsx');

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
/** Distinct warn/error messages kept for the report, and sample lines per message. */
const MAX_DISTINCT_PROBLEMS = 50;

export interface ProcMemory {
  /** Current resident set size, kB. */
  rssKb: number;
  /** Peak resident set size so far (VmHWM), kB. */
  hwmKb: number;
}

export interface Problem {
  level: string;
  msg: string;
  count: number;
  sample: string;
}

export interface LogStats {
  lines: number;
  byLevel: Record<string, number>;
  /** warn and above, grouped by message. */
  problems: Map<string, Problem>;
  /** Lines on stderr (the app logs to stdout; anything here is unusual). */
  stderr: string[];
  /** Request log lines by status class, and 5xx request paths. */
  requestStatus: Record<string, number>;
}

export interface TimeReport {
  maxRssKb: number | null;
  userSeconds: number | null;
  systemSeconds: number | null;
  elapsed: string | null;
  exitStatus: string | null;
  raw: string;
}

export interface StopReport {
  /** From /usr/bin/time -v, or null when it is not installed. */
  time: TimeReport | null;
  /** VmHWM of the app process read just before SIGTERM (the fallback peak). */
  appHwmKb: number | null;
  /** VmHWM of the tsx wrapper process just before SIGTERM. */
  wrapperHwmKb: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  shutdownMs: number;
  forced: boolean;
}

export interface BenchApp {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** The embedded database URL the app logged, or null on a server. */
  embeddedDatabaseUrl: string | null;
  emulatorUrl: string | null;
  usesTime: boolean;
  pids: { time: number | null; wrapper: number; app: number };
  logFile: string;
  logs: LogStats;
  startupMs: number;
  memory(): ProcMemory | null;
  /** CPU seconds used by the app process so far. */
  cpuSeconds(): number | null;
  wrapperMemory(): ProcMemory | null;
  stop(): Promise<StopReport>;
  /** Last resort: SIGKILL every process this module started. */
  kill(): void;
}

export interface StartOptions {
  /** A PostgreSQL URL; embedded PostgreSQL in a fresh temp folder when null. */
  databaseUrl: string | null;
  logLevel?: string;
  /**
   * Node flags (e.g. --cpu-prof, which NODE_OPTIONS refuses). When given, the
   * app runs as `node FLAGS --import tsx src/main.ts`, without the tsx CLI wrapper.
   */
  nodeFlags?: string[];
  /** More environment for the app (e.g. a Stripe key, so it runs without the in-process emulator as in production). */
  env?: Record<string, string>;
}

export function timeAvailable(): boolean {
  try {
    fs.accessSync(TIME_BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startBenchApp(options: StartOptions): Promise<BenchApp> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sustain-bench-'));
  const logFile = path.join(os.tmpdir(), `sustain-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const logStream = fs.createWriteStream(logFile);
  const usesTime = timeAvailable();
  const timeFile = path.join(workDir, 'time-v.txt');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: path.join(workDir, 'data'),
    PORT: '0',
    STRIPE_EMULATOR_PORT: '0',
    // The listening port is only announced at info level.
    LOG_LEVEL: options.logLevel ?? 'info',
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  Object.assign(env, options.env);

  const main = path.join(ROOT, 'src/main.ts');
  const appCommand = options.nodeFlags ? [process.execPath, ...options.nodeFlags, '--import', 'tsx', main] : [TSX_BIN, main];
  const [command, ...args] = usesTime ? [TIME_BIN, '-v', '-o', timeFile, ...appCommand] : appCommand;
  const started = Date.now();
  const child = spawn(command!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const logs: LogStats = { lines: 0, byLevel: {}, problems: new Map(), stderr: [], requestStatus: {} };
  const found: { port?: number; databaseUrl?: string; emulatorUrl?: string } = {};
  let onListening: (() => void) | null = null;

  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    logStream.write(`[stderr] ${line}\n`);
    if (logs.stderr.length < 200) logs.stderr.push(line);
  });
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    logStream.write(`${line}\n`);
    logs.lines += 1;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      recordProblem(logs, 'unparsed', line, line);
      return;
    }
    const level = levelName(entry.level);
    logs.byLevel[level] = (logs.byLevel[level] ?? 0) + 1;
    const msg = String(entry.msg ?? '');
    if (msg === 'request' && typeof entry.status === 'number') {
      const key = `${Math.floor(entry.status / 100)}xx`;
      logs.requestStatus[key] = (logs.requestStatus[key] ?? 0) + 1;
    }
    if (typeof entry.level === 'number' && entry.level >= 40) recordProblem(logs, level, msg, line);
    if (typeof entry.database_url === 'string') found.databaseUrl = entry.database_url;
    if (msg.startsWith('using the local Stripe emulator')) found.emulatorUrl = String(entry.url);
    if (msg === 'Sustain is listening' && typeof entry.port === 'number') {
      found.port = entry.port;
      onListening?.();
    }
  });

  const killAll = (pids: number[]) => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start within ${START_TIMEOUT_MS / 1000} s; log: ${logFile}`)), START_TIMEOUT_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`app exited during start (code ${code}, signal ${signal}):\n${logs.stderr.join('\n')}\nlog: ${logFile}`));
      });
      onListening = () => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      };
    });
  } catch (error) {
    killAll([...descendants(child.pid!), child.pid!]);
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = Date.now() - started;

  // time -> tsx (CLI wrapper) -> node running src/main.ts; without time the wrapper is our child.
  const tree = descendants(child.pid!);
  const wrapperPid = usesTime ? (childrenOf(child.pid!)[0] ?? child.pid!) : child.pid!;
  const appPid = tree.filter((pid) => cmdline(pid).includes('src/main.ts')).at(-1) ?? wrapperPid;

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null) resolve({ code: child.exitCode, signal: null });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return {
    baseUrl: `http://127.0.0.1:${found.port}`,
    embeddedDatabaseUrl: found.databaseUrl ?? null,
    emulatorUrl: found.emulatorUrl ?? null,
    usesTime,
    pids: { time: usesTime ? child.pid! : null, wrapper: wrapperPid, app: appPid },
    logFile,
    logs,
    startupMs,
    memory: () => readProcMemory(appPid),
    cpuSeconds: () => readProcCpuSeconds(appPid),
    wrapperMemory: () => (wrapperPid === appPid ? null : readProcMemory(wrapperPid)),
    kill: () => killAll([appPid, wrapperPid, child.pid!]),
    async stop(): Promise<StopReport> {
      const appHwmKb = readProcMemory(appPid)?.hwmKb ?? null;
      const wrapperHwmKb = wrapperPid === appPid ? null : (readProcMemory(wrapperPid)?.hwmKb ?? null);
      const signalled = Date.now();
      // Like a process manager stopping `npm start`: SIGTERM to the command it
      // ran (tsx relays it to the node process running main.ts). /usr/bin/time
      // itself is left alone so it can report after the command exits.
      try {
        process.kill(wrapperPid, 'SIGTERM');
      } catch {
        // already gone
      }
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        killAll([appPid, wrapperPid, child.pid!]);
      }, STOP_TIMEOUT_MS);
      const { code, signal } = await exited;
      clearTimeout(timer);
      const shutdownMs = Date.now() - signalled;
      await new Promise<void>((resolve) => logStream.end(resolve));
      const time = usesTime && fs.existsSync(timeFile) ? parseTimeReport(fs.readFileSync(timeFile, 'utf8')) : null;
      fs.rmSync(workDir, { recursive: true, force: true });
      return { time, appHwmKb, wrapperHwmKb, exitCode: code, signal, shutdownMs, forced };
    },
  };
}

function recordProblem(logs: LogStats, level: string, msg: string, line: string) {
  const key = `${level}\u0000${msg}`;
  const existing = logs.problems.get(key);
  if (existing) existing.count += 1;
  else if (logs.problems.size < MAX_DISTINCT_PROBLEMS) logs.problems.set(key, { level, msg, count: 1, sample: line.slice(0, 2000) });
}

function levelName(level: unknown): string {
  const names: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  return typeof level === 'number' ? (names[level] ?? String(level)) : String(level ?? 'none');
}

export function parseTimeReport(raw: string): TimeReport {
  const field = (label: string) => {
    const line = raw.split('\n').find((l) => l.trim().startsWith(label));
    return line ? line.slice(line.indexOf(label) + label.length).replace(/^[^:]*:\s*/, '').trim() : null;
  };
  const num = (value: string | null) => (value === null || Number.isNaN(Number(value)) ? null : Number(value));
  const terminated = raw.split('\n').find((l) => l.includes('Command terminated by signal'))?.trim() ?? null;
  return {
    maxRssKb: num(field('Maximum resident set size')),
    userSeconds: num(field('User time')),
    systemSeconds: num(field('System time')),
    elapsed: field('Elapsed (wall clock) time'),
    exitStatus: terminated ?? field('Exit status'),
    raw,
  };
}

let clockTicks: number | null = null;

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
export function readProcCpuSeconds(pid: number): number | null {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every live process whose command line matches,
 * e.g. the PostgreSQL backends serving one database ("postgres: user db 127.0.0.1(port) idle").
 * Processes that exited between two samples are missed.
 */
export function readMatchingCpuSeconds(match: (cmdline: string) => boolean): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (!match(cmdline(pid))) continue;
    total += readProcCpuSeconds(pid) ?? 0;
  }
  return total;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function readMachineCpu(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, v) => sum + v, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export function readProcMemory(pid: number): ProcMemory | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string) => Number(/(\d+)\s*kB/.exec(status.split('\n').find((l) => l.startsWith(`${key}:`)) ?? '')?.[1] ?? NaN);
  const rssKb = kb('VmRSS');
  const hwmKb = kb('VmHWM');
  return Number.isNaN(rssKb) ? null : { rssKb, hwmKb };
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: scan every process's parent.
    const result: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) result.push(Number(entry));
      } catch {
        // exited meanwhile
      }
    }
    return result;
  }
}

/** Every descendant, parents before children. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 64; i += 1) {
    for (const child of childrenOf(queue[i]!)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Below this share of all cores busy, the machine counts as quiet enough to measure on. */
export const QUIET_BUSY_PCT = 15;

/** Share of all cores busy over `ms`, from /proc/stat. */
export async function machineBusy(ms: number): Promise<number | null> {
  const before = readMachineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = readMachineCpu();
  return before && after && after.total > before.total ? ((after.busy - before.busy) / (after.total - before.total)) * 100 : null;
}

/** Waits (bounded) for other work on the machine to finish; returns the last busy sample. */
export async function waitQuiet(maxSeconds: number, progress: (text: string) => void): Promise<number | null> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await machineBusy(3_000);
  while (busy !== null && busy >= QUIET_BUSY_PCT && Date.now() < deadline) {
    progress(`machine ${busy.toFixed(0)}% busy (other processes); waiting for it to be under ${QUIET_BUSY_PCT}%`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    busy = await machineBusy(3_000);
  }
  return busy;
}
