import type { Db } from '../db/knex';
import { NotFoundError } from '../lib/errors';
import { renderReceiptPdf } from '../receipts/receipt-pdf';
import { loadReceiptView } from '../receipts/receipt-view';
import type { Settings } from '../settings/settings';
import { recordAudit } from './audit-queries';
import { findReceiptIdByNumber } from './donor-record-queries';

/**
 * Any receipt as its PDF, by file name (`2026-000042.pdf`), for a staff
 * member; the download is recorded in the audit log. An unknown or malformed
 * name is a 404.
 */
export async function downloadReceipt(db: Db, staffId: string, file: string, settings: Settings): Promise<{ filename: string; pdf: Buffer }> {
  const number = /^(\d{4}-\d{6})\.pdf$/.exec(file)?.[1];
  const receiptId = number ? await findReceiptIdByNumber(db, number) : null;
  if (!receiptId) throw new NotFoundError('No such receipt');
  const view = await loadReceiptView(db, receiptId, settings);
  await recordAudit(db, { actorId: staffId, action: 'receipt.downloaded', subjectType: 'receipt', subjectId: receiptId });
  return { filename: view.pdfFilename, pdf: await renderReceiptPdf(view) };
}
