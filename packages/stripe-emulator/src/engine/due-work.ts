import { expireDueSessions } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { evictExpired, type EvictionReport } from './eviction';
import { runDueBilling, type BillingSummary } from './renewals';

export interface DueWorkReport extends BillingSummary {
  expired_sessions: string[];
  /** How many objects past their retention were dropped. */
  evicted: EvictionReport;
}

/**
 * Work the clock makes due: billing subscriptions (renewals, retries,
 * cancellations at period end), then expiring checkout sessions, then
 * dropping what is past its retention. Resolves once every resulting event
 * has had its first delivery attempt.
 */
export async function runDueWork(ctx: EmulatorContext): Promise<DueWorkReport> {
  const billing = runDueBilling(ctx);
  const expired = expireDueSessions(ctx);
  const delivered = Promise.all([billing.delivered, ctx.events.publish(expired)]);
  const evicted = evictExpired(ctx.store, ctx.clock.now(), ctx.retention);
  await delivered;
  return { ...billing.summary, expired_sessions: expired.map((event) => event.object.id), evicted };
}

/** Whether the run changed anything, so the state file needs writing. */
export function changedAnything(report: DueWorkReport): boolean {
  const { renewed, failed, canceled, expired_sessions: expired, evicted } = report;
  const evictedCount = evicted.checkoutSessions + evicted.idempotentResponses + evicted.events;
  return renewed.length + failed.length + canceled.length + expired.length + evictedCount > 0;
}
