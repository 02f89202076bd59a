import type Stripe from 'stripe';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { STAFF_LISTED_DONATION_STATUSES } from '../giving/donation-status';
import type { MembershipRow } from '../members/membership-queries';
import { LISTED_MEMBERSHIP_STATUSES } from '../members/membership-status';

/** What the staff donor record reads, and the receipt it hands out as a PDF. */

export interface DonorRecordRow {
  id: string;
  email: string;
  name: string | null;
  stripe_customer_id: string | null;
  address: Stripe.Address | null;
  anonymized_at: Date | null;
  created_at: Date;
}

export interface DonorTotalsRow {
  lifetime: number | string;
  gifts: number;
  first_gift_at: Date | null;
}

export interface GiftRow {
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

const donorId = z.uuid();

/** The donor with this id; null for an unknown id or one that is not an id at all. */
export async function findDonorForRecord(db: Db, id: string): Promise<DonorRecordRow | null> {
  if (!donorId.safeParse(id).success) return null;
  const row: DonorRecordRow | undefined = await db('donors').where({ id }).first('id', 'email', 'name', 'stripe_customer_id', 'address', 'anonymized_at', 'created_at');
  return row ?? null;
}

export async function findDonorTotals(db: Db, id: string): Promise<DonorTotalsRow | null> {
  const row: DonorTotalsRow | undefined = await db('donor_totals').where({ donor_id: id }).first('lifetime', 'gifts', 'first_gift_at');
  return row ?? null;
}

/** The donor's memberships staff see, newest first. */
export function listedMembershipsOf(db: Db, id: string): Promise<MembershipRow[]> {
  return db('memberships').where({ donor_id: id }).whereIn('status', LISTED_MEMBERSHIP_STATUSES).orderBy('created_at', 'desc');
}

/** The donor's newest `limit` gifts staff see, each with the number of its receipt in force. */
export function listedGiftsOf(db: Db, id: string, limit: number): Promise<GiftRow[]> {
  return db('donations as d')
    .leftJoin('receipts as r', function receiptInForce() {
      this.on('r.donation_id', 'd.id').andOnNull('r.voided_at');
    })
    .where('d.donor_id', id)
    .whereIn('d.status', STAFF_LISTED_DONATION_STATUSES)
    .orderByRaw('coalesce(d.paid_at, d.failed_at, d.created_at) desc')
    .limit(limit)
    .select('d.*', 'r.number as receipt_number');
}

/** The id of the receipt with this number (`2026-000042`), voided or not. */
export async function findReceiptIdByNumber(db: Db, number: string): Promise<string | null> {
  const row: { id: string } | undefined = await db('receipts').where({ number }).first('id');
  return row?.id ?? null;
}
