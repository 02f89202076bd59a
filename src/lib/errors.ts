/**
 * Errors that carry their HTTP status and a stable code. The error handler
 * renders them; anything else is an unexpected failure (500, logged in full).
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(
    readonly fields: FieldError[],
    message = 'Some fields need attention',
  ) {
    super(message, 422, 'validation_failed');
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, code = 'bad_request') {
    super(message, 400, code);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed', code = 'forbidden') {
    super(message, 403, code);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(message, 404, 'not_found');
  }
}

export class ConflictError extends AppError {
  constructor(message = 'That conflicts with existing data') {
    super(message, 409, 'conflict');
  }
}

/** A dependency (Stripe, the database) failed; the user may retry later. */
export class UpstreamError extends AppError {
  constructor(message: string, status: 502 | 503, code: string, options: { cause?: unknown } = {}) {
    super(message, status, code);
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** A rate limit refused the request; the message says how long to wait. */
export class TooManyRequestsError extends AppError {
  constructor(message: string) {
    super(message, 429, 'rate_limited');
  }
}
