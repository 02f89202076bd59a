import type { Db } from '../db/knex';
import { dateFormatter } from '../lib/date-format';
import { findDonorNameForDocuments } from '../donors/donor-queries';
import { findDonation, type DonationRow } from '../giving/donation-queries';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { findReceipt, type ReceiptRow } from './receipt-queries';
import { describePaymentMethod, receiptWording, type ReceiptWording } from './receipt-wording';

/**
 * Everything a receipt shows, formatted, for the email parts and the PDF alike.
 * Built at send time: organisation details from current settings, amounts and
 * dates from the receipt row (which never changes), the payment method from
 * the donation (its charge event may land after the receipt was issued).
 */
export interface ReceiptView {
  id: string;
  number: string;
  kind: ReceiptRow['kind'];
  voided: boolean;
  org: { name: string; legalName: string; ein: string; address: string };
  donorName: string;
  /** The contribution's date in the organisation's time zone: the date the gift counts on. */
  contributionDate: string;
  issuedDate: string;
  currencyCode: string;
  amount: string;
  goodsValue: string | null;
  goodsDescription: string | null;
  deductible: string;
  paymentMethod: string;
  wording: ReceiptWording;
  footerNote: string;
  /** For a correction: the receipt it replaces. */
  replaces: { number: string; amount: string } | null;
  /** Paid originally, before refunds. */
  amountPaid: string;
  /** Refunded when this receipt was issued: what a correction takes off the amount paid. */
  refundedAtIssue: string;
  /** Refunded in all, as of now (for a void notice). */
  refundedTotal: string;
  pdfFilename: string;
}

export class ReceiptNotFoundError extends Error {
  constructor(id: string) {
    super(`No receipt with id ${id}`);
    this.name = 'ReceiptNotFoundError';
  }
}

export async function loadReceiptView(db: Db, receiptId: string, settings: Settings): Promise<ReceiptView> {
  const receipt = await findReceipt(db, receiptId);
  if (!receipt) throw new ReceiptNotFoundError(receiptId);
  const donation = await findDonation(db, receipt.donation_id);
  if (!donation) throw new ReceiptNotFoundError(receiptId);
  const donor = receipt.donor_id ? await findDonorNameForDocuments(db, receipt.donor_id) : undefined;
  const replaced = receipt.replaces_receipt_id ? await findReceipt(db, receipt.replaces_receipt_id) : undefined;
  return buildReceiptView({ receipt, donation, donor: donor ?? null, replaced: replaced ?? null, settings });
}

export interface ReceiptFacts {
  receipt: ReceiptRow;
  donation: DonationRow;
  donor: { name: string | null; email: string | null; anonymized_at: Date | null } | null;
  replaced: ReceiptRow | null;
  settings: Settings;
}

export function buildReceiptView({ receipt, donation, donor, replaced, settings }: ReceiptFacts): ReceiptView {
  const { organization } = settings;
  const money = (minor: number) => formatMoney(minor, receipt.currency);
  const date = (at: Date) => formatDateInTimeZone(at, organization.timezone);
  const amountPaid = donation.amount_paid ?? donation.amount;
  const wording = receiptWording({
    legalName: organization.legal_name,
    ein: organization.ein,
    currency: receipt.currency,
    amount: receipt.amount,
    goodsValue: receipt.goods_value,
    goodsDescription: receipt.goods_description,
    taxStatusStatement: settings.receipts.tax_status_statement,
  });
  return {
    id: receipt.id,
    number: receipt.number,
    kind: receipt.kind,
    voided: receipt.voided_at !== null,
    org: {
      name: organization.name,
      legalName: organization.legal_name,
      ein: organization.ein,
      address: organization.address,
    },
    donorName: donorName(donor),
    contributionDate: date(receipt.contributed_at),
    issuedDate: date(receipt.issued_at),
    currencyCode: receipt.currency.toUpperCase(),
    amount: money(receipt.amount),
    goodsValue: receipt.goods_value > 0 ? money(receipt.goods_value) : null,
    goodsDescription: receipt.goods_description,
    deductible: money(receipt.deductible_amount),
    paymentMethod: describePaymentMethod({
      type: donation.payment_method_type,
      brand: donation.card_brand,
      last4: donation.card_last4,
    }),
    wording,
    footerNote: settings.receipts.footer_note.trim(),
    replaces: replaced ? { number: replaced.number, amount: money(replaced.amount) } : null,
    amountPaid: money(amountPaid),
    // From the receipt row, not the donation: a later refund must not change what an earlier correction says.
    refundedAtIssue: money(amountPaid - receipt.amount),
    refundedTotal: money(donation.amount_refunded),
    pdfFilename: `receipt-${receipt.number}.pdf`,
  };
}

/** "December 31, 2026" as the calendar on the organisation's wall reads it. */
export function formatDateInTimeZone(at: Date, timeZone: string): string {
  return dateFormatter(timeZone, { year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

function donorName(donor: ReceiptFacts['donor']): string {
  if (!donor || donor.anonymized_at) return 'Donor';
  return donor.name?.trim() || donor.email || 'Donor';
}
