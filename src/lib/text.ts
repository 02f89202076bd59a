import { z } from 'zod';

// The one definition of a control character: C0 and DEL.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- the same set less tab, newline and carriage return
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL = /\u0000/;

/**
 * Whether a value holds a control character. One-line values (a name, a
 * label) take none; free text (a comment) may keep tab and line breaks.
 */
export function hasControlCharacters(value: string, options: { allowLineBreaks?: boolean } = {}): boolean {
  return (options.allowLineBreaks ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(value);
}

/** Replaces every control character with a space: for values nobody can correct (hidden attribution fields). */
export function replaceControlCharacters(value: string): string {
  return value.replace(new RegExp(CONTROL.source, 'g'), ' ');
}

/**
 * A form or query string PostgreSQL can store: PostgreSQL text cannot hold a
 * NUL character, so one is refused here with a 422 rather than reaching the
 * database as a 500.
 */
export const printable = z.string().refine((value) => !NUL.test(value), 'must not contain a NUL character');
