import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { validateOr } from '../http/validate';
import { NotFoundError } from '../lib/errors';
import { findMailboxMessage, listMailboxMessages } from './mailbox-queries';

const idParam = z.object({ id: z.uuid() });
const attachmentParam = idParam.extend({ index: z.coerce.number().int().min(0).max(99) });

/**
 * `/dev/mailbox`: the local mailbox that stands in for SMTP in development.
 * Mounted only when SMTP_URL is unset and never in production.
 */
export function devMailboxRouter(db: Db): Router {
  const router = Router();

  router.get('/dev/mailbox', async (_req, res) => {
    const messages = await listMailboxMessages(db, 200);
    res.render('dev/mailbox', { title: 'Local mailbox', messages });
  });

  router.get('/dev/mailbox/:id', async (req, res) => {
    const message = await findMessage(db, req.params);
    const attachments = message.attachments.map((a, index) => ({
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
    const params = validateOr(attachmentParam, req.params, new NotFoundError('No such attachment'));
    const message = await findMessage(db, params);
    const attachment = message.attachments[params.index];
    if (!attachment) throw new NotFoundError('No such attachment');
    res.type(attachment.contentType);
    res.attachment(attachment.filename);
    res.send(Buffer.from(attachment.content, 'base64'));
  });

  return router;
}

async function findMessage(db: Db, params: unknown) {
  const { id } = validateOr(idParam, params, new NotFoundError('No such message'));
  const message = await findMailboxMessage(db, id);
  if (!message) throw new NotFoundError('No such message');
  return message;
}
