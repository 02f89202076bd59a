import type { Db } from '../db/knex';
import { DONATION_STATUS_LABELS } from '../giving/donation-status';
import { formatMoney, toMajorString } from '../lib/money';
import type { YearlyGiving } from '../members/level-queries';
import { donorLevel, levelBasis, type Level } from '../members/levels';
import type { MembershipRow } from '../members/membership-queries';
import { DONOR_MEMBERSHIP_STATUS_LABELS, isEnded, isLive } from '../members/membership-status';
import { nextPayment } from '../members/next-payment';
import { yearInTimeZone } from '../receipts/receipt-number';
import { formatDateInTimeZone } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { findAccountHolder, listAccountGifts, listAccountMemberships, type AccountGiftRow } from './account-queries';

const FREQUENCY_LABEL: Record<string, string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };

/** A membership form the donor must correct: which membership, what they typed, and why it will not do. */
export interface AmountError {
  membershipId: string;
  value: string;
  message: string;
}

export interface AccountFacts {
  donor: { name: string | null; email: string };
  gifts: AccountGiftRow[];
  memberships: MembershipRow[];
  level: Level;
  giving: YearlyGiving;
  settings: Settings;
}

export async function loadAccountView(db: Db, donorId: string, settings: Settings) {
  const [donor, gifts, memberships, { level, giving }] = await Promise.all([
    findAccountHolder(db, donorId),
    listAccountGifts(db, donorId),
    listAccountMemberships(db, donorId),
    donorLevel(db, donorId, settings),
  ]);
  return buildAccountView({ donor, gifts, memberships, level, giving, settings });
}

/** What a signed-in donor sees: every gift with its receipt in force, and a statement per year. */
export function buildAccountView({ donor, gifts, memberships, level, giving, settings }: AccountFacts) {
  const timezone = settings.organization.timezone;
  const date = (at: Date | null) => (at ? formatDateInTimeZone(at, timezone) : null);
  const years = [...new Set(gifts.filter((g) => g.receipt_number).map((g) => yearInTimeZone(g.paid_at, timezone)))];
  return {
    title: 'Your giving',
    donorName: donor.name,
    email: donor.email,
    gifts: gifts.map((g) => ({
      date: formatDateInTimeZone(g.paid_at, timezone),
      amount: formatMoney(g.amount_paid, g.currency),
      refunded: g.amount_refunded > 0 ? formatMoney(g.amount_refunded, g.currency) : null,
      status: DONATION_STATUS_LABELS[g.status],
      kind: FREQUENCY_LABEL[g.frequency] ?? g.frequency,
      receiptNumber: g.receipt_number,
    })),
    years: years.sort((a, b) => b - a),
    level: { name: level.name, yearly: formatMoney(giving.yearly, settings.giving.currency), basis: levelBasis(giving) },
    memberships: memberships.map((m) => {
      const next = nextPayment(m);
      return {
        id: m.id,
        status: m.status,
        statusLabel: DONOR_MEMBERSHIP_STATUS_LABELS[m.status],
        amount: `${formatMoney(m.amount, m.currency)} a ${m.interval}`,
        amountValue: toMajorString(m.amount),
        live: isLive(m.status),
        cancelPending: m.cancel_at_period_end && !isEnded(m.status),
        /** The end of the period it is in: when a cancelling membership ends. */
        periodEnd: date(m.current_period_end),
        nextPaymentOn: next.kind === 'due' ? date(next.on) : null,
        /** A payment that failed: when, and whether Stripe is still retrying it. */
        failedPayment: next.kind === 'failed' ? { retrying: next.retrying, on: date(next.failedAt) } : null,
        endedDate: date(m.ended_at),
        interval: m.interval,
      };
    }),
  };
}
