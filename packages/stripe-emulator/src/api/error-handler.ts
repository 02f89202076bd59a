import type { ErrorRequestHandler, RequestHandler } from 'express';
import { StripeApiError, invalidRequest } from '../engine/errors';

/** Unknown routes and every thrown error, answered in Stripe's error envelope. */

export const unknownRoute: RequestHandler = (req) => {
  throw new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${req.method}: ${req.path}). Please see https://docs.stripe.com/api or the emulator's documentation.`,
    { code: 'resource_missing' },
  );
};

/** Body-parser failures carry an HTTP status; anything else is the emulator's own bug. */
function toStripeError(err: unknown): StripeApiError {
  if (err instanceof StripeApiError) return err;
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return invalidRequest(`Invalid request body: ${(err as Error).message}`);
  }
  return new StripeApiError(500, 'api_error', 'The Stripe emulator hit an internal error.');
}

export function apiErrorHandler(logWarning: (obj: object, msg: string) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const stripeError = toStripeError(err);
    if (stripeError.status >= 500) {
      logWarning({ err, method: req.method, path: req.path }, 'stripe emulator internal error');
    }
    res.status(stripeError.status).json(stripeError.toBody());
  };
}
