import { useHarness, GOOD_CARD, donationParams, postForm, submitCheckoutForm, type StripeErrorBody } from './support/harness';

describe('Stripe emulator: POST /_emulator/advance', () => {
  const h = useHarness({ freshEachTest: true });

  it('moves the clock forward and expires open sessions past expires_at, leaving paid ones alone', async () => {
    const open = await h.stripe.checkout.sessions.create(donationParams());
    const paid = await h.stripe.checkout.sessions.create(donationParams());
    await submitCheckoutForm(h.emulator, paid.id, GOOD_CARD);
    h.receiver.deliveries.length = 0;

    const response = await postForm(h.emulator, '/_emulator/advance', { days: '2' });

    expect(response.status).toBe(200);
    const { now } = (await response.json()) as { now: number };
    expect(now).toBeGreaterThanOrEqual(open.created + 2 * 86_400);
    expect((await h.stripe.checkout.sessions.retrieve(open.id)).status).toBe('expired');
    expect((await h.stripe.checkout.sessions.retrieve(paid.id)).status).toBe('complete');
    expect(h.receiver.types()).toEqual(['checkout.session.expired']);
    expect(h.receiver.deliveries[0]!.event.data.object).toMatchObject({ id: open.id, status: 'expired' });

    const page = await fetch(`${h.emulator.url}/checkout/${open.id}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('expired');
  });

  it('dates new objects by the advanced clock', async () => {
    const before = await h.stripe.customers.create({ email: 'a@example.org' });
    await postForm(h.emulator, '/_emulator/advance', { days: '30' });
    const after = await h.stripe.customers.create({ email: 'b@example.org' });
    expect(after.created - before.created).toBeGreaterThanOrEqual(30 * 86_400);
  });

  it.each([['0'], ['abc'], ['-1'], ['3661'], ['']])('answers 400 for days=%p', async (days) => {
    const response = await postForm(h.emulator, '/_emulator/advance', { days });
    expect(response.status).toBe(400);
    expect(((await response.json()) as StripeErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'days' });
  });
});
