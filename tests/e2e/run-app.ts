import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningApp {
  baseUrl: string;
  emulatorUrl: string;
  databaseUrl: string;
  dataDir: string;
  logs: string[];
  /** SIGTERM; resolves with the exit code. The data folder is deleted unless `keepData` (to start again on it). */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

/**
 * Starts the real product the way `npm start` does, on its embedded defaults
 * (embedded PostgreSQL, the Stripe emulator), in a fresh data folder. Only the
 * ports are chosen freely so parallel runs do not collide.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sustain-e2e-'));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: path.join(dataDir, 'data'),
      PORT: '0',
      STRIPE_EMULATOR_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const found: Record<string, string> = {};
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${logs.join('\n')}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${logs.join('\n')}`));
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof entry.database_url === 'string') found.databaseUrl = entry.database_url;
      if (entry.msg === 'using the local Stripe emulator (set STRIPE_SECRET_KEY for Stripe)') found.emulatorUrl = String(entry.url);
      if (entry.msg === 'Sustain is listening') {
        found.baseUrl = `http://localhost:${entry.port}`;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    baseUrl: found.baseUrl!,
    emulatorUrl: found.emulatorUrl!,
    databaseUrl: found.databaseUrl!,
    dataDir,
    logs,
    stop: (options) => stopChild(child, options?.keepData ? null : dataDir),
  };
}

function stopChild(child: ChildProcess, dataDir: string | null): Promise<number | null> {
  const cleanUp = () => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      cleanUp();
      resolve(child.exitCode);
      return;
    }
    child.once('exit', (code) => {
      cleanUp();
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A form post as a browser sends it, without following the redirect (tests check where it points). */
export function postForm(url: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Polls `read` every 100 ms until `ok` holds (15 s at most): webhooks and the outbox work after the response. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 150; i += 1) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A reader gives monthly through the donate form and pays on the emulator's hosted checkout with the card that succeeds. */
export async function becomeMonthlyMember(app: RunningApp, fields: { amount: string; email: string; campaign?: string }): Promise<Response> {
  const start = await postForm(`${app.baseUrl}/donate`, { frequency: 'monthly', ...fields });
  return postForm(`${start.headers.get('location')!}/pay`, {
    email: fields.email,
    cardholder_name: 'Grace Member',
    postal_code: '10001',
    card_number: '4242 4242 4242 4242',
    card_expiry: '12 / 34',
    card_cvc: '123',
  });
}
