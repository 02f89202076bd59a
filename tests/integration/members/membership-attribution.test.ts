import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bootTestApp, NEWSROOM_ORIGIN, type TestApp } from '../../support/app';
import { invoiceObject, subscriptionObject, type MembershipIds } from '../../support/membership-fixtures';
import { stubCheckoutSessionCreate } from '../../support/stripe-stubs';
import { deliver } from '../receipts/support';

const T0 = 1_795_000_000;
const MONTH = 30 * 86_400;
const ARTICLE = `${NEWSROOM_ORIGIN}/2026/12/library-hours`;
const ATTRIBUTION = {
  article_url: ARTICLE,
  article_title: 'Council keeps the library open on Sundays',
  campaign: 'winter-drive',
  utm_source: 'newsletter',
  utm_medium: 'email',
  utm_campaign: 'dec-digest',
  cta_variant: 'b',
};

describe('a membership’s attribution, from the footer box through every renewal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  const giftsOf = (membershipId: string) =>
    t.db('donations').where({ membership_id: membershipId }).orderBy('paid_at').select(Object.keys(ATTRIBUTION));

  it('puts the attribution in the subscription’s metadata, and every payment, renewals included, keeps it', async () => {
    const capture: { body?: Record<string, string> } = {};
    stubCheckoutSessionCreate(capture);
    const res = await request(t.app)
      .post('/donate')
      .type('form')
      .send({ amount: '10', frequency: 'monthly', embed: '1', return_to: ARTICLE, ...ATTRIBUTION });
    expect(res.status).toBe(303);
    for (const [field, value] of Object.entries(ATTRIBUTION)) {
      expect(capture.body![`metadata[${field}]`]).toBe(value);
      expect(capture.body![`subscription_data[metadata][${field}]`]).toBe(value);
    }
    const row = await t.db('memberships').first();
    expect(row).toMatchObject(ATTRIBUTION);

    const ids: MembershipIds = { membershipId: row.id, subscriptionId: 'sub_attr_1', customerId: 'cus_attr_1', sessionId: 'cs_test_attr_1' };
    // Stripe copies the subscription's metadata onto each invoice; the renewals arrive first, out of order.
    const metadata = { membership_id: row.id, source: 'sustain', ...ATTRIBUTION };
    for (const [id, at] of [['in_attr_3', T0 + 2 * MONTH], ['in_attr_1', T0], ['in_attr_2', T0 + MONTH]] as const) {
      await deliver(t, 'invoice.paid', invoiceObject(ids, { id, paidAt: at, metadata }), { created: at });
    }
    const gifts = await giftsOf(row.id);
    expect(gifts).toHaveLength(3);
    for (const gift of gifts) expect(gift).toEqual(ATTRIBUTION);
  });

  it('attributes a membership we only learn of from Stripe (its row lost or never written) by the subscription’s metadata', async () => {
    const ids: MembershipIds = { membershipId: randomUUID(), subscriptionId: 'sub_attr_2', customerId: 'cus_attr_2', sessionId: 'cs_test_attr_2' };
    const metadata = { membership_id: ids.membershipId, source: 'sustain', ...ATTRIBUTION, article_title: 'Council\u0007 keeps the library open on Sundays' };
    const subscription = { ...subscriptionObject(ids, { periodStart: T0 }), metadata };
    await deliver(t, 'customer.subscription.created', subscription, { created: T0 });
    const row = await t.db('memberships').where({ stripe_subscription_id: ids.subscriptionId }).first();
    // Metadata is anyone's to edit in the dashboard: it is cleaned like the form's hidden fields.
    expect(row).toMatchObject({ ...ATTRIBUTION, article_title: 'Council  keeps the library open on Sundays' });
    await deliver(t, 'invoice.paid', invoiceObject(ids, { id: 'in_attr_4', paidAt: T0 + MONTH, metadata }), { created: T0 + MONTH });
    expect(await giftsOf(row.id)).toEqual([{ ...ATTRIBUTION, article_title: 'Council  keeps the library open on Sundays' }]);
  });
});
