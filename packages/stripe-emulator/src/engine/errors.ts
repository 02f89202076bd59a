/**
 * Errors in Stripe's envelope: `{ error: { type, message, code?, param? } }`
 * with the HTTP status Stripe uses. The SDK picks its error class from the
 * status and `type`, so getting these right is what makes the app's error
 * handling behave as it will against Stripe.
 */
export type StripeErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';

export interface StripeErrorDetails {
  code?: string;
  param?: string;
  decline_code?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly details: StripeErrorDetails = {},
  ) {
    super(message);
    this.name = 'StripeApiError';
  }

  toBody(): { error: Record<string, string> } {
    const { code, param, decline_code } = this.details;
    const error: Record<string, string> = {};
    if (code) {
      error.code = code;
      error.doc_url = `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`;
    }
    if (decline_code) error.decline_code = decline_code;
    error.message = this.message;
    if (param) error.param = param;
    error.type = this.type;
    return { error };
  }
}

export function invalidRequest(message: string, param?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, param ? { param } : {});
}

/** Stripe names the object type in the message: "No such checkout.session: 'cs_test_…'". */
export function resourceMissing(objectName: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

/** A missing object named inside a request body is a 400, not a 404, in Stripe. */
export function missingReference(objectName: string, id: string, param: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}
