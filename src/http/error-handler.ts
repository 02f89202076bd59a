import type { NextFunction, Request, Response } from 'express';
import { isUnstorableText } from '../db/pg-errors';
import { AppError, NotFoundError } from '../lib/errors';

/** Body-parser and similar middleware errors carry a status and are the client's fault. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function clientStatus(error: unknown): number | null {
  const e = error as HttpishError;
  const status = e?.status ?? e?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

const CLIENT_MESSAGES: Record<number, string> = {
  400: 'The request could not be read.',
  404: 'We could not find that page.',
  413: 'The request is too large.',
  415: 'That content type is not supported.',
};

export function notFound(req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError(`No page at ${req.path}`));
}

/**
 * The one error handler: app errors render with their status and message;
 * client errors from middleware keep their 4xx; anything else is a generic 500
 * with the request id, logged in full.
 */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction) {
  let status: number;
  let code: string;
  let message: string;
  if (error instanceof AppError) {
    status = error.status;
    code = error.code;
    message = error.message;
  } else if (isUnstorableText(error)) {
    // The safety net behind the forms' own checks: a NUL byte is the client's doing, not a 500.
    status = 400;
    code = 'unstorable_text';
    message = 'The request contains a character we cannot store (a NUL byte). Remove it and try again.';
  } else if (clientStatus(error) !== null) {
    status = clientStatus(error)!;
    code = (error as HttpishError).type ?? 'bad_request';
    message = CLIENT_MESSAGES[status] ?? 'The request could not be processed.';
  } else {
    status = 500;
    code = 'internal_error';
    message = 'Something went wrong on our side. Please try again in a moment.';
  }

  if (status >= 500) req.log.error({ err: error, status }, 'request failed');
  else req.log.debug({ code, status }, 'request rejected');

  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status);
  // Routes that run before the request log (the embed) still name the failure,
  // and no cache in front of us keeps an error in place of the page.
  if (!res.hasHeader('X-Request-Id')) res.setHeader('X-Request-Id', req.id);
  if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-store');
  // Machine endpoints (webhooks) always answer JSON; pages answer by Accept.
  if (res.locals.jsonErrors === true || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: { code, message, request_id: req.id } });
    return;
  }
  res.render('errors/error', { title: titleFor(status), status, message, requestId: req.id });
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status >= 500) return 'Something went wrong';
  return 'We could not do that';
}
