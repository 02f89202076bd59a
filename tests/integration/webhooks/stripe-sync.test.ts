import nock from 'nock';
import { createLogger } from '../../../src/lib/logger';
import { syncStripeEvents } from '../../../src/webhooks/sync-events';
import { bootTestApp, signedEvent, type TestApp } from '../../support/app';
import { checkoutSession } from '../../support/stripe-fixtures';
import { STRIPE_API, stubEventsList } from '../../support/stripe-stubs';
import { cardCharge, deliver, pendingDonation } from '../receipts/support';

describe('npm run stripe:sync — replaying missed events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('applies the events it has not seen, oldest first, across pages, and skips recorded ones', async () => {
    const donation = await pendingDonation(t);
    const T0 = 1_795_000_000;
    const charge = signedEvent('charge.succeeded', cardCharge({ id: 'ch_sync', payment_intent: 'pi_sync', donationId: donation.id }), { id: 'evt_sync_1', created: T0 }).event;
    const completed = signedEvent('checkout.session.completed', checkoutSession({ id: donation.sessionId, donationId: donation.id, payment_intent: 'pi_sync' }), {
      id: 'evt_sync_2',
      created: T0 + 1,
    }).event;
    const other = signedEvent('product.created', { id: 'prod_1', object: 'product' }, { id: 'evt_sync_0', created: T0 - 10 }).event;
    // Already delivered by webhook before the outage.
    await deliver(t, 'product.created', { id: 'prod_1', object: 'product' }, { id: 'evt_sync_0', created: T0 - 10 });

    let firstQuery = '';
    nock(STRIPE_API)
      .get('/v1/events')
      .query((q) => {
        firstQuery = JSON.stringify(q);
        return !('starting_after' in q);
      })
      .reply(200, { object: 'list', url: '/v1/events', has_more: true, data: [completed, charge] });
    nock(STRIPE_API)
      .get('/v1/events')
      .query((q) => q.starting_after === 'evt_sync_1')
      .reply(200, { object: 'list', url: '/v1/events', has_more: false, data: [other] });

    const result = await syncStripeEvents(t.db, t.stripe, new Date((T0 - 3600) * 1000), createLogger('silent'));
    expect(firstQuery).toContain(`"created[gte]":"${T0 - 3600}"`);
    expect(result).toEqual({ seen: 3, applied: 2, alreadyRecorded: 1 });
    expect(await t.db('donations').where({ id: donation.id }).first()).toMatchObject({ status: 'succeeded', card_last4: '4242' });
    expect(await t.db('receipts')).toHaveLength(1);

    // Twice is harmless.
    stubEventsList([completed, charge, other]);
    expect(await syncStripeEvents(t.db, t.stripe, new Date((T0 - 3600) * 1000), createLogger('silent'))).toEqual({ seen: 3, applied: 0, alreadyRecorded: 3 });
  });
});
