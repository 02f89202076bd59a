import { letterhead, startPdf, winAnsi } from './receipt-pdf';
import type { StatementView } from './year-end-view';

/** The PDF copy of a year-end giving statement: a table of the year's gifts and the totals. */
export async function renderStatementPdf(view: StatementView, options: { compress?: boolean } = {}): Promise<Buffer> {
  const title = `${view.year} giving statement`;
  const { doc, done } = startPdf({ title, author: view.org.legalName, subject: 'Charitable contributions statement', compress: options.compress });
  const width = doc.page.width - 144;
  const text = (value: string, opts?: PDFKit.Mixins.TextOptions) => doc.text(winAnsi(value), opts);

  letterhead(doc, view.org);
  doc.font('Helvetica-Bold').fontSize(14);
  text(title);
  doc.font('Helvetica').fontSize(10).fillColor('#444444');
  text(`Prepared for ${view.donorName} · Issued ${view.issuedDate}`);
  doc.fillColor('#000000').moveDown();

  // Columns: date, receipt, kind, amount, goods value, deductible.
  const columns = [
    { label: 'Date', width: 110, align: 'left' as const },
    { label: 'Receipt', width: 85, align: 'left' as const },
    { label: 'Gift', width: 60, align: 'left' as const },
    { label: 'Amount', width: 70, align: 'right' as const },
    { label: 'Goods/services', width: 60, align: 'right' as const },
    { label: 'Deductible', width: width - 385, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    if (doc.y > doc.page.height - 110) doc.addPage();
    const y = doc.y;
    let x = 72;
    let bottom = y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      doc.text(winAnsi(cell), x, y, { width: column.width - 6, align: column.align });
      bottom = Math.max(bottom, doc.y);
      x += column.width;
    });
    doc.y = bottom + 4;
    doc.x = 72;
  };
  row(columns.map((c) => c.label), true);
  for (const gift of view.gifts) {
    row([gift.date, gift.receiptNumber, gift.kind, gift.amount, gift.goodsValue ?? '—', gift.deductible]);
  }
  doc.moveTo(72, doc.y).lineTo(72 + width, doc.y).stroke();
  doc.moveDown(0.3);
  row(['Total', '', '', view.total, '', view.deductibleTotal], true);
  doc.moveDown();

  doc.font('Helvetica').fontSize(10.5);
  for (const paragraph of [view.goodsStatement, view.taxStatus, view.keepForRecords]) {
    text(paragraph, { width });
    doc.moveDown(0.6);
  }
  doc.end();
  return done;
}
