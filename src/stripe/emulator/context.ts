import type { EmulatorClock } from './clock';
import type { EventPublisher } from './events';
import type { EmulatorStore } from './store';

/** Pino-compatible. The emulator logs ids and types only, never emails or names. */
export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {} };

/** What every route module needs; one per running emulator, so two emulators never share state. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  readonly clock: EmulatorClock;
  readonly events: EventPublisher;
  readonly logger: EmulatorLogger;
  /** Base URL of the hosted pages, known once the server listens. */
  publicUrl: string;
}
