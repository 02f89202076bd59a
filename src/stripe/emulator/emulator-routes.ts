import express, { Router } from 'express';
import { z } from 'zod';
import { expireDueSessions } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { integerParam, parseParams } from './params';
import { runDueBilling, type BillingSummary } from './renewals';

/**
 * The emulator's own controls, outside Stripe's API (no key needed):
 * `GET /_emulator/health` and `POST /_emulator/advance` (form field `days`).
 */

const MAX_ADVANCE_DAYS = 3660;

const advanceSchema = z.object({ days: integerParam.pipe(z.number().min(1).max(MAX_ADVANCE_DAYS)) });

export interface DueWorkReport extends BillingSummary {
  expired_sessions: string[];
}

/**
 * Work the clock makes due: billing subscriptions (renewals, retries,
 * cancellations at period end), then expiring checkout sessions. Resolves
 * once every resulting event has had its first delivery attempt.
 */
export async function runDueWork(ctx: EmulatorContext): Promise<DueWorkReport> {
  const billing = runDueBilling(ctx);
  const expired = expireDueSessions(ctx);
  await Promise.all([billing.delivered, ctx.events.publish(expired)]);
  return { ...billing.summary, expired_sessions: expired.map((event) => event.object.id) };
}

export function emulatorRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/_emulator/health', (_req, res) => {
    res.json({ ok: true, now: ctx.clock.now() });
  });

  router.post('/_emulator/advance', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const { days } = parseParams(advanceSchema, req.body);
    const now = ctx.clock.advanceDays(days);
    ctx.logger.info({ days, now }, 'stripe emulator clock advanced');
    // Answer once the resulting events have had their first delivery attempt,
    // so a script that advances and then checks the app sees the effects.
    const report = await runDueWork(ctx);
    res.json({ now, ...report });
  });

  return router;
}
