import Stripe from 'stripe';
import {
  useHarness,
  GOOD_CARD,
  WEBHOOK_SECRET,
  donationParams,
  eventually,
  startHarness,
  submitCheckoutForm,
  type Harness,
} from './support/harness';

describe('Stripe emulator: webhook delivery', () => {
  const h = useHarness({ retryDelaysMs: [20, 40, 80], freshEachTest: true });

  it('retries a delivery the receiver refused, with the same signed bytes, until it is accepted', async () => {
    h.receiver.answer = (_delivery, attempt) => (attempt === 1 ? 500 : 200);
    const session = await h.stripe.checkout.sessions.create(donationParams());

    const response = await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);
    expect(response.status).toBe(303);

    await eventually(() => {
      const completed = h.receiver.deliveries.filter((d) => d.event.type === 'checkout.session.completed');
      expect(completed).toHaveLength(2);
    });
    const [first, retry] = h.receiver.deliveries.filter((d) => d.event.type === 'checkout.session.completed');
    expect(retry!.rawBody).toBe(first!.rawBody);
    const verifier = new Stripe('sk_test_unused');
    expect(verifier.webhooks.constructEvent(retry!.rawBody, retry!.signature, WEBHOOK_SECRET).id).toBe(first!.event.id);
    await eventually(async () => {
      const event = await h.stripe.events.retrieve(first!.event.id);
      expect(event.pending_webhooks).toBe(0);
    });
  });

  it('stops retrying once the emulator is closed', async () => {
    const slow = await startHarness({ retryDelaysMs: [150] });
    slow.receiver.answer = () => 500;
    await slow.stripe.customers.create({ email: 'someone@example.org' });
    await eventually(() => expect(slow.receiver.deliveries).toHaveLength(1));

    await slow.emulator.close();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(slow.receiver.deliveries).toHaveLength(1);
    await slow.receiver.stop();
  });

  it('gives up after the last retry', async () => {
    h.receiver.answer = () => 500;
    await h.stripe.customers.create({ email: 'someone@example.org' });

    await eventually(() => expect(h.receiver.deliveries).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.receiver.deliveries).toHaveLength(4);
  });
});

describe('Stripe emulator: GET /v1/events', () => {
  let h: Harness;
  let customerIds: string[];
  beforeAll(async () => {
    h = await startHarness();
    customerIds = [];
    for (const n of [1, 2, 3]) {
      customerIds.push((await h.stripe.customers.create({ email: `donor${n}@example.org` })).id);
    }
    const session = await h.stripe.checkout.sessions.create(donationParams());
    await submitCheckoutForm(h.emulator, session.id, GOOD_CARD);
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists events newest first', async () => {
    const events = await h.stripe.events.list();
    expect(events.data.map((e) => e.type)).toEqual([
      'checkout.session.completed',
      'payment_intent.succeeded',
      'charge.succeeded',
      'customer.created',
      'customer.created',
      'customer.created',
    ]);
    expect(events).toMatchObject({ object: 'list', has_more: false, url: '/v1/events' });
    expect(events.data[0]).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false });
  });

  it('pages with limit, has_more, starting_after and ending_before', async () => {
    const first = await h.stripe.events.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);

    const second = await h.stripe.events.list({ limit: 2, starting_after: first.data[1]!.id });
    expect(second.data.map((e) => e.type)).toEqual(['charge.succeeded', 'customer.created']);

    const back = await h.stripe.events.list({ limit: 2, ending_before: second.data[0]!.id });
    expect(back.data.map((e) => e.id)).toEqual(first.data.map((e) => e.id));
  });

  it('filters by type, with a wildcard, and by created', async () => {
    const created = await h.stripe.events.list({ type: 'customer.created' });
    expect(created.data.map((e) => (e.data.object as Stripe.Customer).id)).toEqual([...customerIds].reverse());

    const charges = await h.stripe.events.list({ type: 'charge.*' });
    expect(charges.data.map((e) => e.type)).toEqual(['charge.succeeded']);

    const future = await h.stripe.events.list({ created: { gte: Math.floor(Date.now() / 1000) + 3600 } });
    expect(future.data).toHaveLength(0);
  });

  it('answers 400 for a limit above 100', async () => {
    await expect(h.stripe.events.list({ limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
  });

  it('retrieves one event, with the object as it was when emitted', async () => {
    const [latest] = (await h.stripe.events.list({ limit: 1 })).data;
    const event = await h.stripe.events.retrieve(latest!.id);
    expect(event).toMatchObject({ id: latest!.id, type: 'checkout.session.completed', request: { id: null } });
  });
});
