/**
 * The emulator's notion of "now", in Unix seconds. It starts at wall-clock time
 * and only moves forward: `POST /_emulator/advance` adds days so expiries (and,
 * later, subscription renewals) can be exercised without waiting. Every
 * `created` and `expires_at` comes from here. Webhook signatures do not: the
 * receiver checks their timestamp against its own wall clock.
 */
export class EmulatorClock {
  private offsetSeconds = 0;

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advanceDays(days: number): number {
    this.offsetSeconds += days * 86_400;
    return this.now();
  }
}
