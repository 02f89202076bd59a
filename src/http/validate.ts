import type { z } from 'zod';
import { ValidationError, type FieldError } from '../lib/errors';

/**
 * The one way a request's query, params or body becomes typed input: parse
 * with the route's zod schema, or throw one ValidationError (422) naming each
 * field that failed, first problem per field. Nothing is written before this.
 */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown, summary = 'That request could not be read'): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  throw new ValidationError(fields, `${summary} (${fields.map((f) => f.message).join('; ')})`);
}

/**
 * Field-by-field messages of a zod error, the first problem per field. A form
 * shows each next to its field, so its messages need no name
 * (`prefixField: false`); elsewhere each message names its field.
 */
export function fieldErrors(error: z.ZodError, options: { prefixField: boolean } = { prefixField: true }): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'form';
    if (fields.some((f) => f.field === field)) continue;
    fields.push({ field, message: options.prefixField && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message });
  }
  return fields;
}

/**
 * The same parse, failing with the caller's error: a malformed id in a path
 * names no record, so it is a 404 like an unknown one, not a 422.
 */
export function validateOr<Schema extends z.ZodType>(schema: Schema, input: unknown, error: Error): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw error;
}
