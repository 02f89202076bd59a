import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '../lib/logger';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;
const ID = Symbol('request id');
const LOG = Symbol('request logger');

type WithContext = Request & { [ID]?: string; [LOG]?: Logger };

/**
 * Every request of this app has an id (a valid incoming X-Request-Id, or a
 * new one) and a child logger that carries it, both made on first use by
 * getters on the app's request prototype: most requests never log anything
 * of their own, a child logger costs more than the rest of the request's
 * bookkeeping, and the embed routes (every article view) need neither unless
 * they fail (docs/PERFORMANCE.md, "Article embed").
 */
export function installRequestContext(app: Express, logger: Logger): void {
  Object.defineProperty(app.request, 'id', {
    configurable: true,
    get(this: WithContext) {
      if (this[ID] === undefined) {
        const incoming = this.headers['x-request-id'];
        this[ID] = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
      }
      return this[ID];
    },
    set(this: WithContext, value: string) {
      this[ID] = value;
    },
  });
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithContext) {
      return (this[LOG] ??= logger.child({ req_id: this.id }));
    },
    set(this: WithContext, value: Logger) {
      this[LOG] = value;
    },
  });
}

/**
 * Echoes the request id (X-Request-Id, also shown on error pages) and logs one
 * line per response. Query strings are left out of the log line: they can
 * carry donors' details.
 */
export function requestLog() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Request-Id', req.id);
    const started = performance.now();
    res.on('finish', () => {
      req.log.info(
        { method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
