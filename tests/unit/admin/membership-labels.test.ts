import { membershipLabel, membershipSummary } from '../../../src/admin/membership-labels';

const membership = (status: string, cancelAtPeriodEnd = false) => ({ status, amount: 1000, currency: 'usd', interval: 'month', cancel_at_period_end: cancelAtPeriodEnd });

describe('membershipLabel', () => {
  it('reads a paying membership as Active, in the ok tone', () => {
    expect(membershipLabel(membership('trialing'))).toEqual({ amount: '$10.00 a month', status: 'Active', tone: 'ok' });
  });

  it('warns of a live membership in arrears or ending at the close of its period', () => {
    expect(membershipLabel(membership('past_due'))).toMatchObject({ status: 'Payment failed', tone: 'warn' });
    expect(membershipLabel(membership('active', true))).toMatchObject({ status: 'Cancelling at period end', tone: 'warn' });
  });

  it('reads an ended membership as Ended, even if it was set to cancel at period end', () => {
    expect(membershipLabel(membership('canceled', true))).toMatchObject({ status: 'Ended', tone: 'off' });
  });
});

describe('membershipSummary', () => {
  it('shows a live membership before a newer ended one, and nothing for no membership', () => {
    expect(membershipSummary([membership('canceled'), membership('paused')])).toMatchObject({ status: 'Paused' });
    expect(membershipSummary([])).toBeNull();
  });
});
