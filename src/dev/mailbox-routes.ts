import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { NotFoundError } from '../lib/errors';

interface StoredAttachment {
  filename: string;
  contentType: string;
  content: string;
}

const idParam = z.object({ id: z.uuid() });
const attachmentParam = idParam.extend({ index: z.coerce.number().int().min(0).max(99) });

/**
 * `/dev/mailbox`: the local mailbox that stands in for SMTP in development.
 * Mounted only when SMTP_URL is unset and never in production.
 */
export function devMailboxRouter(db: Db): Router {
  const router = Router();

  router.get('/dev/mailbox', async (_req, res) => {
    const messages = await db('dev_mailbox')
      .select('id', 'to_address', 'subject', 'received_at', db.raw('jsonb_array_length(attachments) as attachment_count'))
      .orderBy('received_at', 'desc')
      .limit(200);
    res.render('dev/mailbox', { title: 'Local mailbox', messages });
  });

  router.get('/dev/mailbox/:id', async (req, res) => {
    const message = await findMessage(db, req.params);
    const attachments = (message.attachments as StoredAttachment[]).map((a, index) => ({
      index,
      filename: a.filename,
      contentType: a.contentType,
      size: Buffer.byteLength(a.content, 'base64'),
    }));
    res.render('dev/message', { title: message.subject, message, attachments });
  });

  // The HTML part on its own, for a sandboxed iframe: the message's markup never runs in our page.
  router.get('/dev/mailbox/:id/html', async (req, res) => {
    const message = await findMessage(db, req.params);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
    res.type('html').send(message.html);
  });

  router.get('/dev/mailbox/:id/attachments/:index', async (req, res) => {
    const params = attachmentParam.safeParse(req.params);
    if (!params.success) throw new NotFoundError('No such attachment');
    const message = await findMessage(db, params.data);
    const attachment = (message.attachments as StoredAttachment[])[params.data.index];
    if (!attachment) throw new NotFoundError('No such attachment');
    res.type(attachment.contentType);
    res.attachment(attachment.filename);
    res.send(Buffer.from(attachment.content, 'base64'));
  });

  return router;
}

async function findMessage(db: Db, params: unknown) {
  const parsed = idParam.safeParse(params);
  if (!parsed.success) throw new NotFoundError('No such message');
  const message = await db('dev_mailbox').where({ id: parsed.data.id }).first();
  if (!message) throw new NotFoundError('No such message');
  return message;
}
