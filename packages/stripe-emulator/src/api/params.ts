import { z } from 'zod';
import { invalidRequest } from '../engine/errors';

/**
 * Stripe's v1 API takes form-encoded params that qs turns into nested strings,
 * arrays and objects. These schemas turn them into typed values and, on bad
 * input, into the error Stripe would give: one message naming the param in
 * bracket form (`line_items[0][price_data][currency]`).
 */

/** Stripe treats an empty form value as "not given". */
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

export const requiredString = z.preprocess(emptyAsUndefined, z.string());
export const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

export const integerParam = z
  .string()
  .regex(/^-?\d{1,15}$/, { error: (issue) => `Invalid integer: ${String(issue.input)}` })
  .transform(Number);

export const positiveIntegerParam = integerParam.pipe(z.number().min(1));

export const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

export const urlParam = requiredString.refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'Not a valid URL' },
);

/** Stripe takes any case and answers in lower case. */
export const currencyParam = requiredString
  .pipe(z.string().regex(/^[A-Za-z]{3}$/, { error: (issue) => `Invalid currency: ${String(issue.input)}` }))
  .transform((value) => value.toLowerCase());

/** qs turns `list[0]=a` into an array, but past its array limit into an object keyed by index. */
export function arrayParam<T extends z.ZodTypeAny>(item: T, bounds: { min?: number; max?: number } = {}) {
  let array = z.array(item);
  if (bounds.min !== undefined) array = array.min(bounds.min);
  if (bounds.max !== undefined) array = array.max(bounds.max);
  return z.preprocess((value) => {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.values(value);
    return value;
  }, array);
}

export const expandParam = arrayParam(z.string()).optional();

/** A real Stripe param the emulator accepts and ignores because it changes nothing it models. */
export const ignoredParam = z.unknown().optional();

/** Several ignored params at once, to spread into a schema's shape. */
export function ignored<Name extends string>(...names: Name[]): Record<Name, typeof ignoredParam> {
  return Object.fromEntries(names.map((name) => [name, ignoredParam])) as Record<Name, typeof ignoredParam>;
}

/** A real Stripe param that would change amounts or flow in ways the emulator does not model. */
export const notEmulatedParam = z.never().optional();

/** Several not-emulated params at once, to spread into a schema's shape. */
export function notEmulated<Name extends string>(...names: Name[]): Record<Name, typeof notEmulatedParam> {
  return Object.fromEntries(names.map((name) => [name, notEmulatedParam])) as Record<Name, typeof notEmulatedParam>;
}

/**
 * `metadata[key]=value` pairs with Stripe's limits. `metadata=` (empty) means
 * "clear all" on updates and is returned as null.
 */
export const metadataParam = z
  .union([z.literal(''), z.record(z.string(), z.string())])
  .superRefine((value, ctx) => {
    if (value === '') return;
    const keys = Object.keys(value);
    if (keys.length > 50) ctx.addIssue({ code: 'custom', message: 'You can specify up to 50 keys in metadata.' });
    for (const key of keys) {
      if (key.length > 40) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'Keys for metadata must be at most 40 characters.' });
      }
      if ((value[key] ?? '').length > 500) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'Values for metadata must be at most 500 characters.' });
      }
    }
  })
  .transform((value) => (value === '' ? null : value))
  .optional();

/** `created=123` or `created[gte]=…&created[lt]=…`, as every Stripe list takes. */
export const rangeParam = z
  .union([
    integerParam,
    z.strictObject({
      gt: integerParam.optional(),
      gte: integerParam.optional(),
      lt: integerParam.optional(),
      lte: integerParam.optional(),
    }),
  ])
  .optional();

export type RangeFilter = z.infer<typeof rangeParam>;

export function inRange(value: number, range: RangeFilter): boolean {
  if (range === undefined) return true;
  if (typeof range === 'number') return value === range;
  return (
    (range.gt === undefined || value > range.gt) &&
    (range.gte === undefined || value >= range.gte) &&
    (range.lt === undefined || value < range.lt) &&
    (range.lte === undefined || value <= range.lte)
  );
}

/** ['line_items', 0, 'price_data'] -> 'line_items[0][price_data]' */
export function bracketParam(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path.map(String);
  return (first ?? '') + rest.map((part) => `[${part}]`).join('');
}

function stripeMessage(issue: z.core.$ZodIssue, param: string): string {
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;
  if (missing) return `Missing required param: ${param}.`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'never') return `The Stripe emulator does not support \`${param}\` yet.`;
      return `Invalid ${param}: expected ${issue.expected === 'object' ? 'a hash' : `a ${issue.expected}`}.`;
    case 'invalid_value':
      return `Invalid ${param}: must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'number'
        ? `This value must be greater than or equal to ${String(issue.minimum)}.`
        : `Invalid ${param}: must have at least ${String(issue.minimum)} item(s).`;
    case 'too_big':
      return issue.origin === 'number'
        ? `This value must be less than or equal to ${String(issue.maximum)}.`
        : `Invalid ${param}: must be at most ${String(issue.maximum)} long.`;
    case 'invalid_union':
      return `Invalid ${param}.`;
    default:
      return issue.message;
  }
}

/** Validates params against a schema; the first problem becomes Stripe's 400. */
export function parseParams<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const param = bracketParam([...issue.path, issue.keys[0] ?? '']);
    throw invalidRequest(`Received unknown parameter: ${param}`, param);
  }
  const param = bracketParam(issue.path);
  throw invalidRequest(stripeMessage(issue, param), param || undefined);
}
