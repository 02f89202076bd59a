import type Stripe from 'stripe';
import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import { donorLevel } from '../members/levels';
import type { MembershipRow } from '../members/membership-queries';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { membershipLabel, SHOWN_MEMBERSHIP_STATUSES } from './membership-labels';

const GIFT_STATUS: Record<string, string> = {
  succeeded: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  disputed: 'Disputed',
  failed: 'Failed',
};
const FREQUENCY: Record<string, string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };
const CANCEL_FEEDBACK: Record<string, string> = {
  too_expensive: 'It costs too much right now',
  unused: "I don't read enough",
  low_quality: "I'm not happy with the coverage",
  other: 'Another reason',
};
/** A donor with years of monthly gifts has hundreds; the newest are what staff look at. */
const GIFTS_SHOWN = 500;

interface GiftRow {
  id: string;
  status: string;
  frequency: string;
  currency: string;
  amount: number;
  amount_paid: number | null;
  amount_refunded: number;
  fee_amount: number;
  paid_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  anonymous: boolean;
  tribute_name: string | null;
  comment: string | null;
  article_url: string | null;
  article_title: string | null;
  campaign: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  failure_reason: string | null;
  receipt_number: string | null;
}

/** Everything staff need about one donor: who, their level, memberships and every gift with its source and receipt. */
export async function donorDetail(db: Db, donorId: string, settings: Settings, now = new Date()) {
  const donor:
    | { id: string; email: string; name: string | null; stripe_customer_id: string | null; address: Stripe.Address | null; anonymized_at: Date | null; created_at: Date }
    | undefined = await db('donors').where({ id: donorId }).first('id', 'email', 'name', 'stripe_customer_id', 'address', 'anonymized_at', 'created_at');
  if (!donor) return null;

  const timezone = settings.organization.timezone;
  const currency = settings.giving.currency;
  const date = (at: Date | null) => (at ? formatDateInTimeZone(at, timezone) : null);

  const totals: { lifetime: string; gifts: number; first_gift_at: Date | null } | undefined = await db('donor_totals')
    .where({ donor_id: donorId })
    .first('lifetime', 'gifts', 'first_gift_at');
  const { yearly, level } = await donorLevel(db, donorId, settings, now);
  const levels = settings.membership_levels;
  const next = levels[levels.indexOf(level) + 1];

  const memberships: MembershipRow[] = await db('memberships')
    .where({ donor_id: donorId })
    .whereIn('status', SHOWN_MEMBERSHIP_STATUSES)
    .orderBy('created_at', 'desc');
  const gifts: GiftRow[] = await db('donations as d')
    .leftJoin('receipts as r', function receiptInForce() {
      this.on('r.donation_id', 'd.id').andOnNull('r.voided_at');
    })
    .where('d.donor_id', donorId)
    .whereIn('d.status', Object.keys(GIFT_STATUS))
    .orderByRaw('coalesce(d.paid_at, d.failed_at, d.created_at) desc')
    .limit(GIFTS_SHOWN)
    .select('d.*', 'r.number as receipt_number');

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
      yearly: formatMoney(yearly, currency),
      next: next ? { name: next.name, toGo: formatMoney(next.min_yearly - yearly, currency) } : null,
    },
    lifetime: formatMoney(Number(totals?.lifetime ?? 0), currency),
    giftCount: Number(totals?.gifts ?? 0),
    firstGift: date(totals?.first_gift_at ?? null),
    memberships: memberships.map((m) => ({
      id: m.id,
      ...membershipLabel(m),
      started: date(m.created_at),
      nextCharge: m.status !== 'canceled' && !m.cancel_at_period_end ? date(m.current_period_end) : null,
      endsOn: m.status !== 'canceled' && m.cancel_at_period_end ? date(m.current_period_end) : null,
      ended: date(m.ended_at),
      cancellation: m.cancellation_reason || m.cancellation_feedback || m.cancellation_comment
        ? {
            reason: m.cancellation_reason,
            feedback: m.cancellation_feedback ? CANCEL_FEEDBACK[m.cancellation_feedback] ?? m.cancellation_feedback : null,
            comment: m.cancellation_comment,
          }
        : null,
      source: m.article_title ?? m.article_url ?? m.campaign ?? null,
      stripeSubscriptionId: m.stripe_subscription_id,
    })),
    gifts: gifts.map((g) => ({
      id: g.id,
      date: date(g.paid_at ?? g.failed_at ?? g.created_at),
      amount: formatMoney(g.amount_paid ?? g.amount, g.currency),
      coveredFees: g.fee_amount > 0 ? formatMoney(g.fee_amount, g.currency) : null,
      refunded: g.amount_refunded > 0 ? formatMoney(g.amount_refunded, g.currency) : null,
      status: GIFT_STATUS[g.status] ?? g.status,
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
