/**
 * The emulator's notion of "now", in Unix seconds. It starts at wall-clock time
 * and only moves forward: `POST /_emulator/advance` adds days so expiries and
 * subscription renewals can be exercised without waiting. Every `created` and
 * `expires_at` comes from here. Webhook signatures do not: the receiver checks
 * their timestamp against its own wall clock.
 */
export class EmulatorClock {
  private pinned: number | null = null;

  /** `offsetSeconds` is how far earlier advances moved it; a restarted emulator carries on from there. */
  constructor(private offsetSeconds = 0) {}

  /** Seconds ahead of the wall clock, for the state file. */
  get offset(): number {
    return this.offsetSeconds;
  }

  now(): number {
    return this.pinned ?? Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  /**
   * Runs `work` with "now" set to an earlier moment, as Stripe's test clocks
   * do: an advance that spans several renewals bills each at its own period
   * end, so invoices, charges and events carry the dates they would have had.
   * `work` must be synchronous, so no other request ever sees the pinned time.
   */
  at<T>(time: number, work: () => T): T {
    if (this.pinned !== null) throw new Error('EmulatorClock.at does not nest');
    this.pinned = Math.min(time, this.now());
    try {
      return work();
    } finally {
      this.pinned = null;
    }
  }

  advanceDays(days: number): number {
    this.offsetSeconds += days * 86_400;
    return this.now();
  }
}
