import type { RequestHandler, Response } from 'express';
import { StripeApiError } from '../engine/errors';
import { newId } from '../engine/ids';
import type { EventRequest } from '../engine/stripe-objects';

/**
 * Every `/v1` request gets a `Request-Id` (as Stripe's responses carry) and
 * must present a test-mode secret key, so a misconfigured app that would send
 * a live key fails loudly here instead of "working" locally.
 */

const TEST_SECRET_KEY = /^sk_test_[A-Za-z0-9_]+$/;

export interface ApiLocals {
  requestId: string;
  apiKey: string;
  idempotencyKey: string | null;
}

export function apiLocals(res: Response): ApiLocals {
  return res.locals as ApiLocals;
}

/** The `request` an event records when an API call caused it. */
export function eventRequest(res: Response): EventRequest {
  const locals = apiLocals(res);
  return { id: locals.requestId, idempotency_key: locals.idempotencyKey };
}

function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1] ?? null;
  // Stripe also accepts the key as the Basic auth user name (curl -u sk_test_…:).
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

function redact(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(12)}${key.slice(-4)}` : key.replace(/./g, '*');
}

/** `apiVersion` is the one the emulator's objects are shaped for, answered as Stripe does in `Stripe-Version`. */
export function authenticate(apiVersion: string): RequestHandler {
  return (req, res, next) => {
    const requestId = newId('request');
    res.set('Request-Id', requestId);
    res.set('Stripe-Version', apiVersion);
    const key = presentedKey(req.get('authorization'));
    if (!key) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    if (!TEST_SECRET_KEY.test(key)) {
      throw new StripeApiError(
        401,
        'invalid_request_error',
        `Invalid API Key provided: ${redact(key)}. The local Stripe emulator accepts test-mode secret keys (sk_test_…) only.`,
      );
    }
    const idempotencyKey = req.method === 'POST' ? (req.get('idempotency-key') ?? null) : null;
    const locals: ApiLocals = { requestId, apiKey: key, idempotencyKey };
    Object.assign(res.locals, locals);
    next();
  };
}
