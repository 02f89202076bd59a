import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import {
  ARREARS_MEMBERSHIP_STATUSES,
  LIVE_MEMBERSHIP_STATUSES,
  PAYING_MEMBERSHIP_STATUSES,
  STARTED_MEMBERSHIP_STATUSES,
} from '../members/membership-status';

export type MembershipFilter = '' | 'active' | 'past_due' | 'canceling' | 'ended' | 'none';

/** Keeps the donors (`d`) of `query` whose memberships are in the state `filter` names. */
export function whereMembership(db: Db, query: Knex.QueryBuilder, filter: MembershipFilter): void {
  const memberships = (build: (q: Knex.QueryBuilder) => void) =>
    function existsMembership(this: Knex.QueryBuilder) {
      this.select(db.raw('1')).from('memberships as m').whereRaw('m.donor_id = d.id');
      build(this);
    };
  switch (filter) {
    case 'active':
      query.whereExists(memberships((m) => m.whereIn('m.status', PAYING_MEMBERSHIP_STATUSES).where('m.cancel_at_period_end', false)));
      break;
    case 'past_due':
      query.whereExists(memberships((m) => m.whereIn('m.status', ARREARS_MEMBERSHIP_STATUSES)));
      break;
    case 'canceling':
      query.whereExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES).where('m.cancel_at_period_end', true)));
      break;
    case 'ended':
      // Began once (started) and none still running (live): the one started status that is not live is `canceled`.
      query
        .whereExists(memberships((m) => m.whereIn('m.status', STARTED_MEMBERSHIP_STATUSES)))
        .whereNotExists(memberships((m) => m.whereIn('m.status', LIVE_MEMBERSHIP_STATUSES)));
      break;
    case 'none':
      query.whereNotExists(memberships((m) => m.whereIn('m.status', STARTED_MEMBERSHIP_STATUSES)));
      break;
    default:
      break;
  }
}
