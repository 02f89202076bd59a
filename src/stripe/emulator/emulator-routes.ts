import express, { Router } from 'express';
import { z } from 'zod';
import { expireDueSessions } from './checkout-sessions';
import type { EmulatorContext } from './context';
import { integerParam, parseParams } from './params';

/**
 * The emulator's own controls, outside Stripe's API (no key needed):
 * `GET /_emulator/health` and `POST /_emulator/advance` (form field `days`).
 */

const MAX_ADVANCE_DAYS = 3660;

const advanceSchema = z.object({ days: integerParam.pipe(z.number().min(1).max(MAX_ADVANCE_DAYS)) });

/**
 * Work the clock makes due: today, expiring checkout sessions. A later task
 * adds billing subscriptions whose period has ended, in the same place.
 */
export function runDueWork(ctx: EmulatorContext): Promise<void> {
  const events = expireDueSessions(ctx);
  return events.length > 0 ? ctx.events.publish(events) : Promise.resolve();
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
    await runDueWork(ctx);
    res.json({ now });
  });

  return router;
}
