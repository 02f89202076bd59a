import { z } from 'zod';
import type { MailAttachment } from '../mail/transport';
import { renderEmailViews } from '../mail/render';
import type { EmailTemplate } from '../mail/templates';
import { renderReceiptPdf } from './receipt-pdf';
import { loadReceiptView, type ReceiptView } from './receipt-view';

/**
 * The three receipt messages. Each outbox row carries only the receipt id;
 * the message is rendered from the database when the worker sends it.
 */
const receiptData = z.object({ receipt_id: z.uuid() });

async function pdfAttachment(view: ReceiptView): Promise<MailAttachment> {
  return { filename: view.pdfFilename, contentType: 'application/pdf', content: await renderReceiptPdf(view) };
}

/** `receipt`: the first receipt for a payment, with its PDF copy. */
export const receiptEmail: EmailTemplate = async (db, data, ctx) => {
  const receipt = await loadReceiptView(db, receiptData.parse(data).receipt_id, ctx.settings);
  const subject = `Your receipt from ${receipt.org.name} (No. ${receipt.number})`;
  const parts = await renderEmailViews('receipt', subject, { receipt }, ctx);
  return { ...parts, attachments: [await pdfAttachment(receipt)] };
};

/** `receipt-corrected`: after a partial refund, the new receipt that replaces the one in force. */
export const receiptCorrectedEmail: EmailTemplate = async (db, data, ctx) => {
  const receipt = await loadReceiptView(db, receiptData.parse(data).receipt_id, ctx.settings);
  const subject = `Your corrected receipt from ${receipt.org.name} (No. ${receipt.number})`;
  const parts = await renderEmailViews('receipt-corrected', subject, { receipt }, ctx);
  return { ...parts, attachments: [await pdfAttachment(receipt)] };
};

/** `receipt-void`: after a full refund, notice that the receipt (id in data) no longer counts. No attachment. */
export const receiptVoidEmail: EmailTemplate = async (db, data, ctx) => {
  const receipt = await loadReceiptView(db, receiptData.parse(data).receipt_id, ctx.settings);
  const subject = `Your receipt No. ${receipt.number} from ${receipt.org.name} is void`;
  const parts = await renderEmailViews('receipt-void', subject, { receipt }, ctx);
  return { ...parts, attachments: [] };
};
