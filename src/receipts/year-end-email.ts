import { renderEmailViews } from '../mail/render';
import type { EmailTemplate } from '../mail/templates';
import { renderStatementPdf } from './statement-pdf';
import { loadStatementView, statementData } from './year-end-view';

/** `year-end-statement`: the year's gifts and totals, with a PDF copy. */
export const yearEndStatementEmail: EmailTemplate = async (db, data, ctx) => {
  const statement = await loadStatementView(db, statementData.parse(data).statement_id, ctx.settings);
  const subject = `Your ${statement.year} giving statement from ${statement.org.name}`;
  const parts = await renderEmailViews('year-end-statement', subject, { statement }, ctx);
  const pdf = await renderStatementPdf(statement);
  return { ...parts, attachments: [{ filename: statement.pdfFilename, contentType: 'application/pdf', content: pdf }] };
};
