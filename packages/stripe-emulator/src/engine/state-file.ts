import fs from 'node:fs';
import path from 'node:path';
import { EmulatorClock } from './clock';
import type { EmulatorLogger } from './context';
import { EmulatorStore, STORED_MAPS, type StoredMapName } from './store';

/**
 * The emulator's objects in one JSON file, so a restarted `npm start` carries
 * on with the memberships it sold: the app's database keeps
 * `stripe_subscription_id`s, and an emulator that forgot them would answer
 * 404 to every change, and bill nothing, from then on.
 *
 * Writes are debounced (a burst of requests is one write) and atomic (a temp
 * file renamed over the old one), so a crash mid-write leaves the previous
 * state, never half a file. What changed in the last moment before a crash is
 * lost; `close()` writes whatever is pending.
 */

/** Bumped when the file's shape changes; an unknown format is refused rather than misread. */
const FORMAT = 1;

interface StateFileContents {
  format: typeof FORMAT;
  /** The API version the objects were shaped for when written. */
  apiVersion: string;
  savedAt: string;
  clockOffsetSeconds: number;
  billingPortalConfigurationId: string;
  /** Each Map's entries in insertion order, which is the order lists are served in. */
  maps: Record<StoredMapName, Array<[string, unknown]>>;
}

export interface LoadedState {
  store: EmulatorStore;
  clock: EmulatorClock;
  /** False when there was no file yet. */
  restored: boolean;
  apiVersion: string | null;
}

function unreadable(file: string, reason: string): Error {
  return new Error(`${file}: not a Stripe emulator state file this version can read (${reason}); move it away to start with an empty emulator`);
}

/** Reads the state file, or gives a fresh store and clock when it does not exist yet. */
export function loadState(file: string): LoadedState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { store: new EmulatorStore(), clock: new EmulatorClock(), restored: false, apiVersion: null };
    }
    throw error;
  }
  let contents: StateFileContents;
  try {
    contents = JSON.parse(text) as StateFileContents;
  } catch (error) {
    throw unreadable(file, (error as Error).message);
  }
  if (contents?.format !== FORMAT) throw unreadable(file, `format ${String(contents?.format)}`);
  const store = new EmulatorStore(contents.billingPortalConfigurationId);
  for (const name of STORED_MAPS) {
    const map = store[name] as Map<string, unknown>;
    for (const [key, value] of contents.maps[name] ?? []) map.set(key, value);
  }
  return { store, clock: new EmulatorClock(contents.clockOffsetSeconds), restored: true, apiVersion: contents.apiVersion };
}

/**
 * Entries serialized between two yields to the event loop. A benchmark's
 * store (thousands of sessions and saved responses, ~50 MB of JSON) took
 * about a second to stringify in one go, stalling every request meanwhile;
 * in chunks the longest stall is a few milliseconds.
 */
const ENTRIES_PER_CHUNK = 200;

/**
 * Writes the store as JSON a chunk at a time. Requests served between
 * chunks may change objects already written; each change marks the store
 * changed again, so the next write has them (and close() writes last, once
 * nothing else runs).
 */
async function writeContents(handle: fs.promises.FileHandle, store: EmulatorStore, clock: EmulatorClock, apiVersion: string): Promise<void> {
  const header: Omit<StateFileContents, 'maps'> = {
    format: FORMAT,
    apiVersion,
    savedAt: new Date().toISOString(),
    clockOffsetSeconds: clock.offset,
    billingPortalConfigurationId: store.billingPortalConfigurationId,
  };
  let text = `${JSON.stringify(header).slice(0, -1)},"maps":{`;
  for (const [index, name] of STORED_MAPS.entries()) {
    const entries = [...(store[name] as Map<string, unknown>).entries()];
    text += `${index > 0 ? ',' : ''}${JSON.stringify(name)}:[`;
    for (let start = 0; start < entries.length; start += ENTRIES_PER_CHUNK) {
      const chunk = entries.slice(start, start + ENTRIES_PER_CHUNK).map((entry) => JSON.stringify(entry));
      text += `${start > 0 ? ',' : ''}${chunk.join(',')}`;
      await handle.write(text);
      text = '';
    }
    text += ']';
  }
  await handle.write(`${text}}}`);
}

/** Write, flush to disk, then rename: readers see the old file or the new one, whole. */
async function writeAtomically(file: string, write: (handle: fs.promises.FileHandle) => Promise<void>): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await write(handle);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
}

export interface StateFileWriterOptions {
  file: string;
  store: EmulatorStore;
  clock: EmulatorClock;
  apiVersion: string;
  logger: EmulatorLogger;
  /** Write once changes have stopped for this long. */
  quietMs?: number;
  /** ...or at the latest this long after the first unsaved change, under constant load. */
  maxDelayMs?: number;
}

/**
 * Quiet period and upper bound: a checkout is a handful of requests within a
 * second, so it is one write; a benchmark's constant load still gets written
 * now and then without paying for a full serialization per request.
 */
const DEFAULT_QUIET_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;

export class StateFileWriter {
  private timer: NodeJS.Timeout | null = null;
  private firstUnsavedAt: number | null = null;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private closed = false;
  private readonly quietMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: StateFileWriterOptions) {
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  }

  /** Schedules a write. */
  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    const now = Date.now();
    this.firstUnsavedAt ??= now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstUnsavedAt + this.maxDelayMs - now));
    this.timer = setTimeout(() => void this.flush(), wait);
    // A pending write must not keep a process alive that is otherwise done; close() flushes.
    this.timer.unref();
  }

  /** Writes now if anything is unsaved; never rejects (a failed write is logged and retried on the next change). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // One write at a time; changes made during a write are saved by the next one.
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.firstUnsavedAt = null;
    const { file, store, clock, apiVersion, logger } = this.options;
    this.writing = writeAtomically(file, (handle) => writeContents(handle, store, clock, apiVersion)).catch((err: unknown) => {
      this.dirty = true;
      logger.error({ err, file }, 'stripe emulator could not save its state');
    });
    try {
      await this.writing;
    } finally {
      this.writing = null;
    }
  }

  /** Writes what is unsaved; later changes are not written (the emulator has stopped). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
