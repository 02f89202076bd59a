import {
  DISPUTABLE_DONATION_STATUSES,
  KEPT_DONATION_STATUSES,
  type DonationStatus,
} from '../giving/donation-status';
import type { MembershipStatus } from '../members/membership-status';

/**
 * The statuses seeded rows take, as named bindings for the seeding SQL
 * (`:succeeded`, `:kept`...): the vocabularies stay defined once, in the
 * status modules, and the SQL names none of them.
 */
const donation = (status: DonationStatus) => status;
const membership = (status: MembershipStatus) => status;

export const STATUS_BINDINGS = {
  pending: donation('pending'),
  succeeded: donation('succeeded'),
  failed: donation('failed'),
  abandoned: donation('abandoned'),
  refunded: donation('refunded'),
  partially_refunded: donation('partially_refunded'),
  disputed: donation('disputed'),
  /** Kept gifts: what donor_totals and the dashboard count. */
  kept: [...KEPT_DONATION_STATUSES],
  /** Receipted gifts: paid ones, and those disputed since (the dispute left the receipt alone). */
  receipted: [...DISPUTABLE_DONATION_STATUSES],
  m_active: membership('active'),
  m_past_due: membership('past_due'),
  m_canceled: membership('canceled'),
  m_abandoned: membership('abandoned'),
  m_pending: membership('pending'),
};
