import type Stripe from 'stripe';
import type { Db } from '../db/knex';
import { DONATION_STATUS_LABELS } from '../giving/donation-status';
import { formatMoney } from '../lib/money';
import { levelBasis, levelFor } from '../members/levels';
import { yearlyGiving, type YearlyGiving } from '../members/level-queries';
import type { MembershipRow } from '../members/membership-queries';
import { isEnded } from '../members/membership-status';
import { nextPayment } from '../members/next-payment';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import {
  findDonorForRecord,
  findDonorTotals,
  listedGiftsOf,
  listedMembershipsOf,
  type DonorRecordRow,
  type DonorTotalsRow,
  type GiftRow,
} from './donor-record-queries';
import { membershipLabel } from './membership-labels';

const FREQUENCY: Record<string, string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };
const CANCEL_FEEDBACK: Record<string, string> = {
  too_expensive: 'It costs too much right now',
  unused: "I don't read enough",
  low_quality: "I'm not happy with the coverage",
  other: 'Another reason',
};
/** A donor with years of monthly gifts has hundreds; the newest are what staff look at. */
const GIFTS_SHOWN = 500;

export interface DonorRecordFacts {
  settings: Settings;
  donor: DonorRecordRow;
  totals: DonorTotalsRow | null;
  /** In the organisation's currency: given in the last 12 months, committed a year, and the greater, which sets the level. */
  giving: YearlyGiving;
  memberships: MembershipRow[];
  gifts: GiftRow[];
}

/** Everything staff need about one donor: who, their level, memberships and every gift with its source and receipt. Null for no such donor. */
export async function loadDonorRecordView(db: Db, donorId: string, settings: Settings) {
  const donor = await findDonorForRecord(db, donorId);
  if (!donor) return null;
  return buildDonorRecordView({
    settings,
    donor,
    totals: await findDonorTotals(db, donor.id),
    giving: await yearlyGiving(db, donor.id, settings.giving.currency),
    memberships: await listedMembershipsOf(db, donor.id),
    gifts: await listedGiftsOf(db, donor.id, GIFTS_SHOWN),
  });
}

export type DonorRecordView = ReturnType<typeof buildDonorRecordView>;


export function buildDonorRecordView({ settings, donor, totals, giving, memberships, gifts }: DonorRecordFacts) {
  const timezone = settings.organization.timezone;
  const currency = settings.giving.currency;
  const date = (at: Date | null) => (at ? formatDateInTimeZone(at, timezone) : null);
  const levels = settings.membership_levels;
  const level = levelFor(giving.yearly, levels);
  const next = levels[levels.indexOf(level) + 1];

  return {
    id: donor.id,
    name: donor.name,
    email: donor.email,
    anonymized: donor.anonymized_at !== null,
    stripeCustomerId: donor.stripe_customer_id,
    address: formatAddress(donor.address),
    since: date(donor.created_at),
    level: {
      name: level.name,
      yearly: formatMoney(giving.yearly, currency),
      basis: levelBasis(giving),
      next: next ? { name: next.name, toGo: formatMoney(next.min_yearly - giving.yearly, currency) } : null,
    },
    givenLast12Months: formatMoney(giving.given, currency),
    committedYearly: giving.committed > 0 ? formatMoney(giving.committed, currency) : null,
    lifetime: formatMoney(Number(totals?.lifetime ?? 0), currency),
    giftCount: Number(totals?.gifts ?? 0),
    firstGift: date(totals?.first_gift_at ?? null),
    memberships: memberships.map((m) => membershipOnRecord(m, date)),
    gifts: gifts.map((g) => ({
      id: g.id,
      date: date(g.paid_at ?? g.failed_at ?? g.created_at),
      amount: formatMoney(g.amount_paid ?? g.amount, g.currency),
      coveredFees: g.fee_amount > 0 ? formatMoney(g.fee_amount, g.currency) : null,
      refunded: g.amount_refunded > 0 ? formatMoney(g.amount_refunded, g.currency) : null,
      status: DONATION_STATUS_LABELS[g.status as keyof typeof DONATION_STATUS_LABELS] ?? g.status,
      failed: g.status === 'failed',
      kind: FREQUENCY[g.frequency] ?? g.frequency,
      receiptNumber: g.receipt_number,
      anonymous: g.anonymous,
      tribute: g.tribute_name,
      comment: g.comment,
      source: sourceOf(g),
      articleUrl: g.article_url && /^https?:\/\//i.test(g.article_url) ? g.article_url : null,
    })),
    giftsTruncated: gifts.length === GIFTS_SHOWN,
  };
}

/** A membership on the donor record: its amount and status, what its billing does next, how it ended. */
function membershipOnRecord(m: MembershipRow, date: (at: Date | null) => string | null) {
  const next = nextPayment(m);
  return {
    id: m.id,
    ...membershipLabel(m),
    started: date(m.created_at),
    nextCharge: next.kind === 'due' ? date(next.on) : null,
    failedPayment: next.kind === 'failed' ? { retrying: next.retrying, on: date(next.failedAt) } : null,
    endsOn: !isEnded(m.status) && m.cancel_at_period_end ? date(m.current_period_end) : null,
    ended: date(m.ended_at),
    cancellation:
      m.cancellation_reason || m.cancellation_feedback || m.cancellation_comment
        ? {
            reason: m.cancellation_reason,
            feedback: m.cancellation_feedback ? (CANCEL_FEEDBACK[m.cancellation_feedback] ?? m.cancellation_feedback) : null,
            comment: m.cancellation_comment,
          }
        : null,
    source: m.article_title ?? m.article_url ?? m.campaign ?? null,
    stripeSubscriptionId: m.stripe_subscription_id,
  };
}

/** Where a gift came from, as staff name it: the article, else the campaign, else the UTM tags. */
function sourceOf(g: GiftRow): string | null {
  if (g.article_title || g.article_url) return g.article_title ?? g.article_url;
  if (g.campaign) return `Campaign: ${g.campaign}`;
  const utm = [g.utm_source, g.utm_medium, g.utm_campaign].filter(Boolean).join(' / ');
  return utm ? `UTM: ${utm}` : null;
}

function formatAddress(address: Stripe.Address | null): string | null {
  if (!address) return null;
  const cityLine = [address.city, address.state, address.postal_code].filter(Boolean).join(' ');
  const lines = [address.line1, address.line2, cityLine, address.country].filter((l) => l && l.trim());
  return lines.length > 0 ? lines.join(', ') : null;
}
