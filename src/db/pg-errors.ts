/** PostgreSQL SQLSTATE codes the app reacts to (the error handler and the services that catch them). */
const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
/** A NUL character in text (22021), or a \u0000 escape in JSON (22P05): PostgreSQL cannot store either. */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

interface PgError {
  code?: string;
  constraint?: string;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as PgError;
  return pgError?.code === UNIQUE_VIOLATION && (constraint === undefined || pgError.constraint === constraint);
}

/** The transaction lost a race and was rolled back whole; running it again is safe. */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as PgError)?.code;
  return code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE;
}

/** Text the client sent that PostgreSQL cannot store; nothing was written (the statement failed). */
export function isUnstorableText(error: unknown): boolean {
  return UNSTORABLE_TEXT.has((error as PgError)?.code ?? '');
}
