import { z } from 'zod';
import type { Db } from '../db/knex';
import { formatMoney } from '../lib/money';
import type { Settings } from '../settings/settings';
import { formatDateInTimeZone } from './receipt-view';
import { NO_GOODS_OR_SERVICES, KEEP_FOR_RECORDS, taxStatusLine } from './receipt-wording';
import { findStatement, statementGifts, type StatementGift } from './year-end-queries';
import { findDonorNameForDocuments } from '../donors/donor-queries';

export interface StatementView {
  id: string;
  year: number;
  org: { name: string; legalName: string; ein: string; address: string };
  donorName: string;
  issuedDate: string;
  currencyCode: string;
  gifts: {
    date: string;
    receiptNumber: string;
    kind: string;
    amount: string;
    goodsValue: string | null;
    deductible: string;
  }[];
  total: string;
  deductibleTotal: string;
  anyGoods: boolean;
  goodsStatement: string;
  taxStatus: string;
  keepForRecords: string;
  pdfFilename: string;
}

const FREQUENCY_LABEL: Record<string, string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };

export const statementData = z.object({ statement_id: z.uuid() });

/** The statement as issued (totals from the statement row). */
export async function loadStatementView(db: Db, statementId: string, settings: Settings): Promise<StatementView> {
  const statement = await findStatement(db, statementId);
  if (!statement) throw new Error(`No year-end statement with id ${statementId}`);
  const gifts = await statementGifts(db, statement.donor_id, statement.year);
  const donor = await findDonorNameForDocuments(db, statement.donor_id);
  return buildStatementView({ statement, gifts, donor: donor ?? null, settings });
}

/**
 * A statement of a donor's year as it stands now (for the account page, where
 * a donor can download any year, including the current one): totals from the
 * receipts in force today. Null when the donor has no gift in force that year.
 */
export async function loadCurrentStatementView(
  db: Db,
  donorId: string,
  year: number,
  settings: Settings,
  now = new Date(),
): Promise<StatementView | null> {
  const gifts = await statementGifts(db, donorId, year);
  if (gifts.length === 0) return null;
  const facts = {
    id: `${donorId}:${year}`,
    donor_id: donorId,
    year,
    currency: gifts[0]!.currency,
    total: gifts.reduce((sum, g) => sum + g.amount, 0),
    deductible_total: gifts.reduce((sum, g) => sum + g.deductible_amount, 0),
    issued_at: now,
  };
  const donor = await findDonorNameForDocuments(db, donorId);
  return buildStatementView({ statement: facts, gifts, donor: donor ?? null, settings });
}

interface StatementFacts {
  id: string;
  donor_id: string;
  year: number;
  currency: string;
  total: number;
  deductible_total: number;
  issued_at: Date;
}

export function buildStatementView({
  statement,
  gifts,
  donor,
  settings,
}: {
  statement: StatementFacts;
  gifts: StatementGift[];
  donor: { name: string | null; email: string; anonymized_at: Date | null } | null;
  settings: Settings;
}): StatementView {
  const { organization } = settings;
  const money = (minor: number) => formatMoney(minor, statement.currency);
  const anyGoods = gifts.some((g) => g.goods_value > 0);
  return {
    id: statement.id,
    year: statement.year,
    org: { name: organization.name, legalName: organization.legal_name, ein: organization.ein, address: organization.address },
    donorName: donor && !donor.anonymized_at ? donor.name?.trim() || donor.email : 'Donor',
    issuedDate: formatDateInTimeZone(statement.issued_at, organization.timezone),
    currencyCode: String(statement.currency).toUpperCase(),
    // Totals as issued; the gift lines are the receipts in force, which are the same unless refunded since.
    gifts: gifts.map((g) => ({
      date: formatDateInTimeZone(g.contributed_at, organization.timezone),
      receiptNumber: g.receipt_number,
      kind: FREQUENCY_LABEL[g.frequency] ?? g.frequency,
      amount: money(g.amount),
      goodsValue: g.goods_value > 0 ? money(g.goods_value) : null,
      deductible: money(g.deductible_amount),
    })),
    total: money(statement.total),
    deductibleTotal: money(statement.deductible_total),
    anyGoods,
    goodsStatement: anyGoods
      ? `Where a gift above shows a value of goods or services, ${organization.legal_name} provided them in exchange for it; ` +
        'only the amount above that value is deductible. No goods or services were provided in exchange for the other contributions.'
      : NO_GOODS_OR_SERVICES.replace('this contribution', 'these contributions'),
    taxStatus: taxStatusLine({
      legalName: organization.legal_name,
      ein: organization.ein,
      taxStatusStatement: settings.receipts.tax_status_statement,
    }),
    keepForRecords: KEEP_FOR_RECORDS.replace('this receipt', 'this statement'),
    pdfFilename: `giving-statement-${statement.year}.pdf`,
  };
}
