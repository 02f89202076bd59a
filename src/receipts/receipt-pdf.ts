import PDFDocument from 'pdfkit';
import type { ReceiptView } from './receipt-view';

/**
 * The PDF copy attached to a receipt email: one Letter page with the same
 * facts and IRS Publication 1771 statements as the email, for donors who file
 * their paperwork as documents. Standard PDF fonts only (nothing to ship or
 * embed); they cover Windows-1252, so other characters are approximated.
 */
export async function renderReceiptPdf(view: ReceiptView, options: { compress?: boolean } = {}): Promise<Buffer> {
  const title = `${view.kind === 'correction' ? 'Corrected receipt' : 'Receipt'} No. ${view.number}`;
  const { doc, done } = startPdf({ title, author: view.org.legalName, subject: 'Charitable contribution receipt', compress: options.compress });
  const text = (value: string, opts?: PDFKit.Mixins.TextOptions) => doc.text(winAnsi(value), opts);
  const width = doc.page.width - 144;

  letterhead(doc, view.org);

  doc.font('Helvetica-Bold').fontSize(14);
  text(title);
  doc.font('Helvetica').fontSize(10).fillColor('#444444');
  text(`Issued ${view.issuedDate}`);
  doc.fillColor('#000000').moveDown();

  const rows: [string, string][] = [
    ['Received from', view.donorName],
    ['Date of contribution', view.contributionDate],
    ['Amount', `${view.amount} ${view.currencyCode}`],
    ['Payment method', view.paymentMethod],
  ];
  if (view.goodsValue) rows.push(['Value of goods or services', view.goodsValue]);
  rows.push(['Deductible amount', view.deductible]);
  if (view.replaces) rows.push(['Replaces receipt', `No. ${view.replaces.number} (${view.replaces.amount})`]);
  doc.fontSize(11);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('Helvetica-Bold');
    text(label, { width: 170 });
    const labelBottom = doc.y;
    doc.font('Helvetica');
    doc.text(winAnsi(value), 72 + 180, y, { width: width - 180 });
    doc.y = Math.max(labelBottom, doc.y) + 4;
    doc.x = 72;
  }
  doc.moveDown();

  doc.fontSize(10.5).font('Helvetica');
  if (view.replaces) {
    text(`This corrected receipt replaces receipt No. ${view.replaces.number}, which is void, after a refund of ${view.refundedAtIssue}.`, { width });
    doc.moveDown(0.6);
  }
  const paragraphs = [
    view.wording.goodsStatement,
    view.wording.deductibilityStatement,
    view.wording.acknowledgmentStatement,
    view.wording.taxStatus,
    view.wording.keepForRecords,
    view.footerNote || null,
  ];
  for (const paragraph of paragraphs) {
    if (!paragraph) continue;
    text(paragraph, { width });
    doc.moveDown(0.6);
  }

  doc.end();
  return done;
}

/** A Letter-size document with 1-inch margins, and the finished bytes once `doc.end()` is called. */
export function startPdf(info: { title: string; author: string; subject: string; compress?: boolean }) {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 72,
    compress: info.compress ?? true,
    info: { Title: info.title, Author: winAnsi(info.author), Subject: info.subject },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/** The organisation's name, address and EIN at the top of every document. */
export function letterhead(doc: PDFKit.PDFDocument, org: { legalName: string; address: string; ein: string }): void {
  doc.font('Helvetica-Bold').fontSize(16).text(winAnsi(org.legalName));
  doc.font('Helvetica').fontSize(10);
  if (org.address) doc.text(winAnsi(org.address));
  if (org.ein) doc.text(`EIN ${winAnsi(org.ein)}`);
  doc.moveDown(1.5);
}

/**
 * The standard fonts are encoded in Windows-1252; pdfkit writes any other
 * character as garbage. Accents come off first (Ł becomes "?", but "Dvořák"
 * prints as "Dvorák"), then what is left is replaced.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

export function winAnsi(value: string): string {
  let out = '';
  for (const char of value) {
    if (fits(char)) {
      out += char;
      continue;
    }
    const stripped = char.normalize('NFKD').replace(/\p{M}/gu, '');
    out += [...stripped].every(fits) && stripped ? stripped : '?';
  }
  return out;
}

function fits(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || code === 0x0a || WIN_ANSI_EXTRA.has(char);
}
