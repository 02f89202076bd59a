import type Stripe from 'stripe';

/** A checkout.session as the pinned API version shapes it, with our ids in metadata. */
export function checkoutSession(overrides: Partial<Stripe.Checkout.Session> & { donationId?: string } = {}): Stripe.Checkout.Session {
  const { donationId, ...rest } = overrides;
  const id = rest.id ?? 'cs_test_a1B2c3D4e5';
  return {
    id,
    object: 'checkout.session',
    amount_subtotal: 2500,
    amount_total: 2500,
    cancel_url: 'http://localhost:3000/donate?canceled=1',
    client_reference_id: donationId ?? null,
    created: 1_795_000_000,
    currency: 'usd',
    customer: 'cus_test_donor1',
    customer_creation: 'always',
    customer_details: {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: '10001', state: null },
      email: 'reader@example.com',
      name: 'Ada Reader',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: null,
    expires_at: 1_795_086_400,
    livemode: false,
    metadata: donationId ? { donation_id: donationId, source: 'sustain' } : {},
    mode: 'payment',
    payment_intent: 'pi_test_1',
    payment_status: 'paid',
    status: 'complete',
    submit_type: 'donate',
    success_url: 'http://localhost:3000/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
    url: null,
    ...rest,
  } as Stripe.Checkout.Session;
}
