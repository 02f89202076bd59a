import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL = /\u0000/;

/**
 * A form or query string PostgreSQL can store: PostgreSQL text cannot hold a
 * NUL character, so one is refused here with a 422 rather than reaching the
 * database as a 500.
 */
export const printable = z.string().refine((value) => !NUL.test(value), 'must not contain a NUL character');

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;

/** Whether a one-line value (a name, a label) holds a control character: tab, newline, NUL and the like. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}
