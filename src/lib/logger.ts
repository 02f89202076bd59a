import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Personal data never belongs in a log line; the redact
 * list is a safety net for the fields most likely to slip in by accident.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['email', 'name', 'address', '*.email', '*.name', '*.address', 'customer_details', '*.customer_details'],
      censor: '[redacted]',
    },
  });
}
