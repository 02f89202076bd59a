import { Router } from 'express';
import { z } from 'zod';
import type { EmulatorContext } from '../engine/context';
import { buildCustomer, findCustomer, mergeMetadata } from '../engine/customers';
import { newestFirst } from '../engine/store';
import type { Address, Customer } from '../engine/stripe-objects';
import { eventRequest } from './api-auth';
import { expandObject } from './expand';
import { listParams, paginate } from './lists';
import { arrayParam, expandParam, ignoredParam, inRange, metadataParam, parseParams } from './params';

/** `POST /v1/customers`, `GET /v1/customers[/:id]`, `POST /v1/customers/:id`. */

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const emailParam = z
  .string()
  .max(512)
  .refine((value) => value === '' || EMAIL.test(value), {
    error: (issue) => `Invalid email address: ${String(issue.input)}`,
  });

/** On create and update, an empty string unsets a field. */
const nullableString = z
  .string()
  .transform((value) => (value === '' ? null : value))
  .optional();

const addressParam = z
  .union([
    z.literal(''),
    z.strictObject({
      city: z.string().optional(),
      country: z.string().optional(),
      line1: z.string().optional(),
      line2: z.string().optional(),
      postal_code: z.string().optional(),
      state: z.string().optional(),
    }),
  ])
  .optional();

const writableFields = {
  address: addressParam,
  description: nullableString,
  email: emailParam.transform((value) => (value === '' ? null : value)).optional(),
  metadata: metadataParam,
  name: nullableString,
  phone: nullableString,
  preferred_locales: arrayParam(z.string()).optional(),
  expand: expandParam,
  // Accepted and ignored: billing details the emulator does not model.
  balance: ignoredParam,
  business_name: ignoredParam,
  cash_balance: ignoredParam,
  individual_name: ignoredParam,
  invoice_prefix: ignoredParam,
  invoice_settings: ignoredParam,
  next_invoice_sequence: ignoredParam,
  shipping: ignoredParam,
  tax: ignoredParam,
  tax_exempt: ignoredParam,
  validate: ignoredParam,
};

const createSchema = z.strictObject({
  ...writableFields,
  payment_method: ignoredParam,
  source: ignoredParam,
  tax_id_data: ignoredParam,
  test_clock: ignoredParam,
});
const updateSchema = z.strictObject({ ...writableFields, default_source: ignoredParam, source: ignoredParam });
const listSchema = z.strictObject({ ...listParams, email: z.string().optional(), expand: expandParam });

function toAddress(value: z.output<typeof addressParam>): Address | null {
  if (value === undefined || value === '') return null;
  return {
    city: value.city ?? null,
    country: value.country ?? null,
    line1: value.line1 ?? null,
    line2: value.line2 ?? null,
    postal_code: value.postal_code ?? null,
    state: value.state ?? null,
  };
}

/** Applies an update and returns the previous values of what changed, for `customer.updated`. */
function applyUpdate(customer: Customer, params: z.output<typeof updateSchema>): Record<string, unknown> {
  const next: Partial<Customer> = {};
  if (params.address !== undefined) next.address = toAddress(params.address);
  if (params.description !== undefined) next.description = params.description;
  if (params.email !== undefined) next.email = params.email;
  if (params.name !== undefined) next.name = params.name;
  if (params.phone !== undefined) next.phone = params.phone;
  if (params.preferred_locales !== undefined) next.preferred_locales = params.preferred_locales;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(customer.metadata, params.metadata);

  const previous: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(next) as [keyof Customer, unknown][]) {
    if (JSON.stringify(customer[field]) !== JSON.stringify(value)) previous[field] = structuredClone(customer[field]);
  }
  Object.assign(customer, next);
  return previous;
}

export function customerRoutes(ctx: EmulatorContext): Router {
  const router = Router();

  router.post('/v1/customers', (req, res) => {
    const params = parseParams(createSchema, req.body);
    const customer = buildCustomer(ctx.clock, { ...params, address: toAddress(params.address) });
    ctx.store.customers.set(customer.id, customer);
    void ctx.events.publish([{ type: 'customer.created', object: customer }], eventRequest(res));
    res.json(expandObject(ctx.store, customer, params.expand));
  });

  router.get('/v1/customers', (req, res) => {
    const params = parseParams(listSchema, req.query);
    const list = paginate(
      newestFirst(ctx.store.customers),
      (customer) =>
        inRange(customer.created, params.created) && (params.email === undefined || customer.email === params.email),
      params,
      '/v1/customers',
      'customer',
    );
    res.json(expandObject(ctx.store, list, params.expand));
  });

  router.get('/v1/customers/:id', (req, res) => {
    const params = parseParams(z.strictObject({ expand: expandParam }), req.query);
    res.json(expandObject(ctx.store, findCustomer(ctx, req.params.id), params.expand));
  });

  router.post('/v1/customers/:id', (req, res) => {
    const customer = findCustomer(ctx, req.params.id);
    const params = parseParams(updateSchema, req.body);
    const previous = applyUpdate(customer, params);
    if (Object.keys(previous).length > 0) {
      void ctx.events.publish(
        [{ type: 'customer.updated', object: customer, previousAttributes: previous }],
        eventRequest(res),
      );
    }
    res.json(expandObject(ctx.store, customer, params.expand));
  });

  return router;
}
