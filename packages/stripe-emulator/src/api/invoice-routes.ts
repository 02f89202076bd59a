import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { resourceMissing } from '../engine/errors';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { subscriptionIdOf } from '../engine/invoices';
import { expandParam, ignoredParam, inRange, parseParams } from './params';
import { newestFirst } from '../engine/store';
import type { Invoice } from '../engine/stripe-objects';

/**
 * `GET /v1/invoices[/:id]`, `GET /v1/invoices/:id/lines` and
 * `GET /v1/invoice_payments[/:id]`. An invoice's `payments` come with
 * `expand[]=payments`; the invoice payments list also finds the invoice a
 * payment intent paid (`payment[type]=payment_intent&payment[payment_intent]=pi_…`),
 * since neither payment intents nor charges name their invoice any more.
 */

const listSchema = z.strictObject({
  ...listParams,
  customer: z.string().optional(),
  subscription: z.string().optional(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
  expand: expandParam,
  collection_method: ignoredParam,
  customer_account: ignoredParam,
  due_date: ignoredParam,
});

const linesSchema = z.strictObject({ ...listParams, expand: expandParam });

const paymentsListSchema = z.strictObject({
  ...listParams,
  invoice: z.string().optional(),
  status: z.enum(['canceled', 'open', 'paid']).optional(),
  payment: z
    .strictObject({
      type: z.enum(['payment_intent', 'payment_record']),
      payment_intent: z.string().optional(),
      payment_record: z.string().optional(),
    })
    .optional(),
  expand: expandParam,
});

function findInvoice(ctx: EmulatorContext, id: string): Invoice {
  const invoice = ctx.store.invoices.get(id);
  if (!invoice) throw resourceMissing('invoice', id, 'invoice');
  return invoice;
}

export function invoiceRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.get('/v1/invoices', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const list = paginate(
      newestFirst(ctx.store.invoices),
      (invoice) =>
        inRange(invoice.created, params.created) &&
        (params.customer === undefined || invoice.customer === params.customer) &&
        (params.subscription === undefined || subscriptionIdOf(invoice) === params.subscription) &&
        (params.status === undefined || invoice.status === params.status),
      params,
      '/v1/invoices',
      'invoice',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/invoices/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    res.json(expandObject(ctx.store, findInvoice(ctx, req.params.id), params.expand));
  });

  router.get('/v1/invoices/:id/lines', (req, res) => {
    const invoice = findInvoice(ctx, req.params.id);
    const params = parseParams(linesSchema, req.query);
    const list = paginate(invoice.lines.data, () => true, params, invoice.lines.url, 'line_item');
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/invoice_payments', (req, res) => {
    const params = parseParams(paymentsListSchema, req.query);
    const { payment } = params;
    const list = paginate(
      newestFirst(ctx.store.invoicePayments),
      (each) =>
        inRange(each.created, params.created) &&
        (params.invoice === undefined || each.invoice === params.invoice) &&
        (params.status === undefined || each.status === params.status) &&
        (payment === undefined ||
          (each.payment.type === payment.type &&
            (payment.payment_intent === undefined || each.payment.payment_intent === payment.payment_intent))),
      params,
      '/v1/invoice_payments',
      'invoice_payment',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/invoice_payments/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    const payment = ctx.store.invoicePayments.get(req.params.id);
    if (!payment) throw resourceMissing('invoice_payment', req.params.id, 'invoice_payment');
    res.json(expandObject(ctx.store, payment, params.expand));
  });

  return router;
}
