import { z } from 'zod';
import { invalidRequest, missingReference } from '../engine/errors';
import { integerParam, rangeParam } from './params';
import type { ApiList, StripeObject } from '../engine/stripe-objects';

/**
 * Cursor pagination as every Stripe list does it: items newest first,
 * `limit` 1-100 (default 10), `starting_after` for the next (older) page,
 * `ending_before` for the previous (newer) one.
 */
export const listParams = {
  limit: integerParam.pipe(z.number().min(1).max(100)).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  created: rangeParam,
};

export interface PageParams {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

/**
 * One page of `newestFirst` items that pass `matches`. The cursor is found in
 * the unfiltered list, so a cursor from an earlier page still works when it
 * does not itself match the filter.
 */
export function paginate<T extends StripeObject>(
  newestFirst: readonly T[],
  matches: (item: T) => boolean,
  params: PageParams,
  url: string,
  cursorObjectName: string,
): ApiList<T> {
  const limit = params.limit ?? 10;
  if (params.starting_after && params.ending_before) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  }
  const cursor = params.starting_after ?? params.ending_before;
  let index = -1;
  if (cursor !== undefined) {
    index = newestFirst.findIndex((item) => item.id === cursor);
    if (index === -1) {
      throw missingReference(cursorObjectName, cursor, params.starting_after ? 'starting_after' : 'ending_before');
    }
  }
  // Walk away from the cursor: towards older items, or towards newer ones for `ending_before`.
  const step = params.ending_before ? -1 : 1;
  const found: T[] = [];
  for (let i = index + step; i >= 0 && i < newestFirst.length && found.length <= limit; i += step) {
    const item = newestFirst[i]!;
    if (matches(item)) found.push(item);
  }
  const hasMore = found.length > limit;
  const page = found.slice(0, limit);
  return { object: 'list', data: step === 1 ? page : page.reverse(), has_more: hasMore, url };
}
