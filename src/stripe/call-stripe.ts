import Stripe from 'stripe';
import { NotFoundError, UpstreamError } from '../lib/errors';
import type { Logger } from '../lib/logger';

/** What the person is told when a Stripe call fails; the status follows from the failure. */
export interface StripeFailureMessages {
  /** Stripe could not be reached or is limiting us (503: try again shortly). */
  unavailable: string;
  /** Stripe answered with a refusal or an error (502). */
  failed: string;
  /** The object is not in Stripe (404); without it, a missing object is a failure like any other. */
  notFound?: string;
}

/**
 * The one mapping of Stripe's errors to ours: a connection failure or a rate
 * limit is 503, a missing resource 404, anything else Stripe says 502. The
 * error's type and code are logged (never the request, which may hold a
 * donor's email); an error that is not Stripe's is ours and passes unchanged.
 */
export function stripeFailure(error: unknown, messages: StripeFailureMessages): Error {
  if (!(error instanceof Stripe.errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  if (error.type === 'StripeConnectionError' || error.type === 'StripeRateLimitError') {
    return new UpstreamError(messages.unavailable, 503, 'payments_unavailable', { cause: error });
  }
  if (messages.notFound && (error.statusCode === 404 || error.code === 'resource_missing')) return new NotFoundError(messages.notFound);
  return new UpstreamError(messages.failed, 502, 'payments_failed', { cause: error });
}

/** The type of the Stripe error behind one of ours (`StripeCardError`...), for the record of a failed attempt. */
export function stripeErrorType(error: unknown): string | null {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Stripe.errors.StripeError ? cause.type : null;
}

/**
 * Runs one Stripe call (never inside a database transaction) and turns its
 * failure into our error by stripeFailure's rule, logging what Stripe said.
 */
export async function callStripe<T>(
  logger: Logger,
  action: string,
  messages: StripeFailureMessages,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      logger.error({ action, stripe_error_type: error.type, stripe_code: error.code, status: error.statusCode }, 'Stripe call failed');
    }
    throw stripeFailure(error, messages);
  }
}
