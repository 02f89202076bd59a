import pino from 'pino';

export type Logger = pino.Logger;

/** Fields of an error that may quote a row or its parameters, and so personal data. */
const ERROR_FIELDS_WITH_DATA = new Set(['detail', 'where', 'parameters', 'internalQuery', 'bindings', 'sql', 'raw', 'rawBody']);

/**
 * PostgreSQL puts the failing row in `detail` ("Failing row contains (…, email, …)")
 * and knex can attach the query's bindings; neither may reach a log line.
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  for (const key of Object.keys(serialized)) {
    if (ERROR_FIELDS_WITH_DATA.has(key)) delete serialized[key];
  }
  return serialized;
}

/**
 * Structured JSON logs. Personal data never belongs in a log line; the redact
 * list is a safety net for the fields most likely to slip in by accident.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      serializers: { err: serializeError },
      redact: {
        paths: ['email', 'name', 'address', 'customer_details', 'customer_email', 'billing_details', '*.email', '*.customer_details'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
