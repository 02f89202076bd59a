import nock from 'nock';
import type Stripe from 'stripe';

/**
 * Stripe's API as tests see it: one nock scope per stubbed request, each
 * answering once. A capture object, when given, receives the form body and
 * the headers (the idempotency key) of the request Stripe would have seen.
 */
export const STRIPE_API = 'https://api.stripe.com';

export interface StripeCapture {
  /** The path and query string Stripe was asked, decoded (`expand[0]=payments`). */
  path?: string;
  body?: Record<string, string>;
  headers?: Record<string, unknown>;
}

type Method = 'get' | 'post';

/** One Stripe request answered with `reply` (an object, or a status and body). */
export function stubStripe(
  method: Method,
  path: string | RegExp,
  reply: object | [number, object],
  capture: StripeCapture = {},
): nock.Scope {
  const scope = nock(STRIPE_API);
  const interceptor =
    method === 'post'
      ? scope.post(path, (body) => {
          capture.body = body as Record<string, string>;
          return true;
        })
      : scope.get(path);
  return interceptor.query(true).reply(function (uri) {
    capture.path = decodeURIComponent(uri);
    capture.headers = this.req.headers;
    return Array.isArray(reply) ? reply : [200, reply];
  });
}

/** One Stripe request that never reaches Stripe: the network fails. */
export function stubStripeUnreachable(method: Method, path: string | RegExp): nock.Scope {
  const scope = nock(STRIPE_API);
  return (method === 'post' ? scope.post(path) : scope.get(path)).query(true).replyWithError('connect ECONNREFUSED');
}

/** Stripe answering with an error object of `type`, as its API does. */
export function stripeError(status: number, type: string, message = 'Stripe says no'): [number, object] {
  return [status, { error: { type, message } }];
}

let sessionCounter = 0;

/** `POST /v1/checkout/sessions` answered with a new session and its hosted page URL. */
export function stubCheckoutSessionCreate(capture: StripeCapture = {}): { id: string; scope: nock.Scope } {
  sessionCounter += 1;
  const id = `cs_test_created${sessionCounter}`;
  const scope = stubStripe('post', '/v1/checkout/sessions', { id, object: 'checkout.session', url: `https://checkout.stripe.com/c/pay/${id}` }, capture);
  return { id, scope };
}

export function stubCheckoutSessionRetrieve(session: Stripe.Checkout.Session): nock.Scope {
  return stubStripe('get', `/v1/checkout/sessions/${session.id}`, session);
}

/** The invoice with its `payments` expanded, as the webhook route fetches it before applying `invoice.*`. */
export function stubInvoiceWithPayments(invoice: Stripe.Invoice): nock.Scope {
  return stubStripe('get', new RegExp(`^/v1/invoices/${invoice.id}`), invoice);
}

/** `GET /v1/events` with one page of events. */
export function stubEventsList(events: Stripe.Event[]): nock.Scope {
  return stubStripe('get', '/v1/events', { object: 'list', url: '/v1/events', has_more: false, data: events });
}
