import type { EmulatorClock } from './clock';
import type { EventPublisher } from './events';
import type { RetentionLimits } from './eviction';
import type { EmulatorStore } from './store';

/** Pino-compatible. The emulator logs ids and types only, never emails or names. */
export interface EmulatorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SILENT_LOGGER: EmulatorLogger = { info() {}, warn() {}, error() {} };

/** Minor units of a currency as text for people: (2500, 'usd') -> "$25.00". */
export type MoneyFormatter = (minor: number, currency: string) => string;

/** Used when the host app does not pass its own formatter; two-decimal currencies, as the emulator's test cards are. */
export const DEFAULT_MONEY_FORMATTER: MoneyFormatter = (minor, currency) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(minor / 100);

/** What every route module needs; one per running emulator, so two emulators never share state. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  readonly clock: EmulatorClock;
  readonly events: EventPublisher;
  readonly logger: EmulatorLogger;
  readonly formatMoney: MoneyFormatter;
  /** The Stripe API version the objects are shaped for; sent as `Stripe-Version` and stamped on events. */
  readonly apiVersion: string;
  readonly retention: RetentionLimits;
  /** Base URL of the hosted pages, known once the server listens. */
  publicUrl: string;
}
