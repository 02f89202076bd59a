import express, { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { integerParam, parseParams } from './params';
import { runDueWork } from '../engine/due-work';

/**
 * The emulator's own controls, outside Stripe's API (no key needed):
 * `GET /_emulator/health` and `POST /_emulator/advance` (form field `days`).
 */

const MAX_ADVANCE_DAYS = 3660;

const advanceSchema = z.object({ days: integerParam.pipe(z.number().min(1).max(MAX_ADVANCE_DAYS)) });

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
