import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../lib/logger';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Marks a response as routine: its request line is not logged unless it
 * fails. For the embed routes, answered on every article view (a CDN in front
 * logs them already); one log line was the largest cost of answering them
 * (docs/PERFORMANCE.md, "Article embed").
 */
export function logOnlyFailures(res: Response): void {
  res.locals.logOnlyFailures = true;
}

/**
 * Gives every request an id (echoed as X-Request-Id and shown on error pages)
 * and a child logger, and logs one line per response. Query strings are left
 * out of the log line: they can carry donors' details.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    // Made on first use: most requests never log anything of their own, and a
    // child logger costs more than the rest of this middleware.
    Object.defineProperty(req, 'log', {
      configurable: true,
      get() {
        const child = logger.child({ req_id: req.id });
        Object.defineProperty(req, 'log', { value: child, writable: true, configurable: true });
        return child;
      },
      set(value: Logger) {
        Object.defineProperty(req, 'log', { value, writable: true, configurable: true });
      },
    });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (res.locals.logOnlyFailures === true && res.statusCode < 400) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        { method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
