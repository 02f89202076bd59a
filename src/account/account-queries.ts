import type { Db } from '../db/knex';
import { DONOR_LISTED_DONATION_STATUSES } from '../giving/donation-status';
import type { MembershipRow } from '../members/membership-queries';
import { LISTED_MEMBERSHIP_STATUSES } from '../members/membership-status';

export interface AccountGiftRow {
  id: string;
  paid_at: Date;
  amount_paid: number;
  amount_refunded: number;
  currency: string;
  status: (typeof DONOR_LISTED_DONATION_STATUSES)[number];
  frequency: string;
  receipt_number: string | null;
}

export async function findAccountHolder(db: Db, donorId: string): Promise<{ name: string | null; email: string }> {
  return db('donors').where({ id: donorId }).first('name', 'email');
}

/** A donor's gifts whose money arrived, newest first, each with its receipt in force. */
export async function listAccountGifts(db: Db, donorId: string): Promise<AccountGiftRow[]> {
  return db('donations as d')
    .leftJoin('receipts as r', function joinReceiptInForce() {
      this.on('r.donation_id', 'd.id').andOnNull('r.voided_at');
    })
    .where('d.donor_id', donorId)
    .whereIn('d.status', DONOR_LISTED_DONATION_STATUSES)
    .orderBy('d.paid_at', 'desc')
    .select('d.id', 'd.paid_at', 'd.amount_paid', 'd.amount_refunded', 'd.currency', 'd.status', 'd.frequency', 'r.number as receipt_number');
}

/** A donor's memberships as the account lists them, newest first. */
export async function listAccountMemberships(db: Db, donorId: string): Promise<MembershipRow[]> {
  return db('memberships').where({ donor_id: donorId }).whereIn('status', LISTED_MEMBERSHIP_STATUSES).orderBy('created_at', 'desc');
}
