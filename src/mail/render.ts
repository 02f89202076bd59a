import path from 'node:path';
import ejs from 'ejs';
import type { Settings } from '../settings/settings';
import type { MailAttachment } from './transport';

export const EMAIL_VIEWS_DIR = path.resolve(__dirname, '../../views/emails');

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
}

export interface EmailContext {
  settings: Settings;
  baseUrl: string;
  /** Server key that derives secrets put in links (sign-in), so outbox rows never hold one. */
  linkKey: string;
}

/**
 * Renders `views/emails/<name>.html.ejs` inside the shared layout and
 * `<name>.text.ejs` as the plain-text part. Organisation details come from
 * settings, so every message carries the same footer.
 */
export async function renderEmailViews(
  name: string,
  subject: string,
  locals: Record<string, unknown>,
  ctx: EmailContext,
): Promise<{ subject: string; html: string; text: string }> {
  const shared = { ...locals, subject, org: ctx.settings.organization, baseUrl: ctx.baseUrl };
  const body = await ejs.renderFile(path.join(EMAIL_VIEWS_DIR, `${name}.html.ejs`), shared, { async: true });
  const html = await ejs.renderFile(path.join(EMAIL_VIEWS_DIR, 'layout.html.ejs'), { ...shared, body }, { async: true });
  const textBody = await ejs.renderFile(path.join(EMAIL_VIEWS_DIR, `${name}.text.ejs`), shared, { async: true });
  const textFooter = await ejs.renderFile(path.join(EMAIL_VIEWS_DIR, 'layout.text.ejs'), shared, { async: true });
  return { subject, html, text: `${textBody.trim()}\n\n${textFooter.trim()}\n` };
}
