import { invalidRequest } from '../engine/errors';
import { includableField } from './includable-fields';
import type { EmulatorStore } from '../engine/store';

/**
 * `expand[]=payment_intent.latest_charge` replaces id strings with the objects
 * they name, as Stripe does. Stored objects are never handed out directly:
 * responses are copies, so later changes cannot leak into an answer already
 * built (or into an event snapshot).
 */

const MAX_DEPTH = 4;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Besides id references, fields Stripe only includes on request (`includable-fields.ts`) expand too. */
function expandPath(store: EmulatorStore, target: Json, path: string[], full: string): void {
  const [field, ...rest] = path;
  if (field === undefined) return;
  // Lists expand through their items: `data.customer` on a list response.
  if (target.object === 'list' && field === 'data' && Array.isArray(target.data)) {
    for (const item of target.data) if (isObject(item)) expandPath(store, item, rest, full);
    return;
  }
  let value = target[field];
  if (typeof value === 'string') {
    const found = store.retrieve(value);
    if (!found) throw invalidRequest(`This property cannot be expanded (${field}).`, 'expand');
    value = structuredClone(found);
    target[field] = value;
  } else if (value === undefined) {
    value = includableField(store, target, field);
    if (value !== undefined) target[field] = value;
  }
  if (value === null) return;
  if (!isObject(value)) throw invalidRequest(`This property cannot be expanded (${full}).`, 'expand');
  expandPath(store, value, rest, full);
}

export function expandObject<T extends { object: string }>(
  store: EmulatorStore,
  object: T,
  expand: readonly string[] | undefined,
): T {
  const copy = structuredClone(object);
  for (const full of expand ?? []) {
    const path = full.split('.');
    if (path.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property (${full}).`, 'expand');
    }
    expandPath(store, copy as unknown as Json, path, full);
  }
  return copy;
}
