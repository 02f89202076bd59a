/**
 * `previous_attributes` of an `*.updated` event: the old values of what
 * changed. Nested objects are compared key by key, as Stripe reports
 * `{ invoice_settings: { default_payment_method: null } }` rather than the
 * whole old `invoice_settings`. Arrays, and `metadata` (which the customer
 * events already report whole), are reported whole.
 */

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function changes(before: Json, after: Json): Json {
  const previous: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[key];
    const now = after[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    if (key !== 'metadata' && isPlainObject(old) && isPlainObject(now)) previous[key] = changes(old, now);
    else previous[key] = old === undefined ? null : structuredClone(old);
  }
  return previous;
}

/** Compare a copy taken before a change with the object after it; empty when nothing changed. */
export function previousAttributes(before: object, after: object): Record<string, unknown> {
  return changes(before as Json, after as Json);
}
