import type { RequestHandler } from 'express';
import { StripeApiError } from '../engine/errors';
import { apiLocals } from './api-auth';
import type { EmulatorContext } from '../engine/context';
import { evictIdempotentResponses } from '../engine/eviction';

/**
 * Stripe's idempotent requests: a POST retried with the same `Idempotency-Key`
 * gets the first response replayed (same status and body) instead of a second
 * object. Reusing a key for another endpoint or other params is an
 * `idempotency_error`. As in Stripe, a request that failed validation or
 * lookup (400/401/404) is not saved, so the caller can fix it and retry with
 * the same key. Keys are kept for 24 hours of the emulator's clock
 * (`engine/eviction.ts`), in the store, so a replay works across a restart.
 */

const NOT_SAVED = new Set([400, 401, 404, 409]);

/** Params compared by value, so key order in the form body does not matter. */
function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function idempotencyError(status: number, message: string): StripeApiError {
  return new StripeApiError(status, 'idempotency_error', message);
}

export function idempotentPosts(ctx: EmulatorContext): RequestHandler {
  const saved = ctx.store.idempotentResponses;
  const inProgress = new Set<string>();

  return (req, res, next) => {
    const { apiKey, idempotencyKey } = apiLocals(res);
    if (req.method !== 'POST' || idempotencyKey === null) return next();
    if (idempotencyKey.length > 255) {
      throw new StripeApiError(400, 'invalid_request_error', 'Idempotency-Key must be no longer than 255 characters.');
    }
    evictIdempotentResponses(ctx.store, ctx.clock.now(), ctx.retention);

    // Keys are scoped to the API key, as Stripe scopes them to the account.
    const storeKey = `${apiKey}\u0000${idempotencyKey}`;
    // Mounted under /v1, so the full path is the mount plus the rest.
    const endpoint = `${req.method} ${req.baseUrl}${req.path}`;
    const params = fingerprint(req.body);
    const previous = saved.get(storeKey);
    if (previous) {
      if (previous.endpoint !== endpoint) {
        throw idempotencyError(
          400,
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${previous.endpoint}' vs '${endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        );
      }
      if (previous.fingerprint !== params) {
        throw idempotencyError(
          400,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        );
      }
      res.set('Idempotent-Replayed', 'true');
      res.status(previous.status).json(previous.body);
      return;
    }
    if (inProgress.has(storeKey)) {
      throw idempotencyError(
        409,
        `There is currently another in-progress request using this Stripe API Idempotency Key ('${idempotencyKey}'). Please retry this request later.`,
      );
    }

    inProgress.add(storeKey);
    res.on('close', () => inProgress.delete(storeKey));
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      inProgress.delete(storeKey);
      if (!NOT_SAVED.has(res.statusCode)) {
        const status = res.statusCode;
        saved.set(storeKey, { endpoint, fingerprint: params, status, body: structuredClone(body), savedAt: ctx.clock.now() });
      }
      return json(body);
    };
    res.set('Idempotency-Key', idempotencyKey);
    next();
  };
}
