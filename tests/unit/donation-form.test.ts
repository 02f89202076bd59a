import { parseDonationForm, type ParseContext } from '../../src/giving/donation-form';
import { defaultSettings } from '../../src/settings/settings';

const ctx: ParseContext = {
  giving: defaultSettings().giving,
  isAllowedReturn: (url) => url.startsWith('https://news.example.org/'),
};

describe('parseDonationForm', () => {
  it('computes the total from the gift and the fee policy, ignoring any total the browser sends', () => {
    const result = parseDonationForm({ amount: '25', cover_fees: 'on', total: '1', amount_total: '1' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { gift: 2500, total: 2606, feeAmount: 106, coverFees: true } });
  });

  it('reads "other" from amount_other', () => {
    const result = parseDonationForm({ amount: 'other', amount_other: '$42.50' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { gift: 4250, total: 4250, feeAmount: 0 } });
  });

  it('defaults the frequency to once and lower-cases the email', () => {
    const result = parseDonationForm({ amount: '10', email: ' Ada@Example.COM ' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { frequency: 'once', email: 'ada@example.com' } });
  });

  it('keeps return_to only on an allowed origin', () => {
    const kept = parseDonationForm({ amount: '10', return_to: 'https://news.example.org/a' }, ctx);
    const dropped = parseDonationForm({ amount: '10', return_to: 'https://elsewhere.example/a' }, ctx);
    expect(kept.ok && kept.value.returnTo).toBe('https://news.example.org/a');
    expect(dropped.ok && dropped.value.returnTo).toBeNull();
  });

  it('records the referrer as attribution', () => {
    const result = parseDonationForm({ amount: '10', referrer: 'https://news.example.org/story' }, ctx);
    expect(result.ok && result.value.attribution.referrer).toBe('https://news.example.org/story');
  });

  it('never lets attribution block a gift: it trims, strips or drops bad values', () => {
    const result = parseDonationForm(
      {
        amount: '10',
        article_title: 'T'.repeat(400),
        article_url: 'javascript:alert(1)',
        utm_source: 'news\u0000letter',
        campaign: '  year-end  ',
      },
      ctx,
    );
    expect(result).toMatchObject({
      ok: true,
      value: { attribution: { article_title: 'T'.repeat(300), article_url: null, utm_source: 'news letter', campaign: 'year-end' } },
    });
  });

  it('takes a typed amount over a checked preset (a donor without JavaScript typed it)', () => {
    const result = parseDonationForm({ amount: '25', amount_other: '40' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { gift: 4000 } });
  });

  it('reads a typed amount with thousands separators', () => {
    const result = parseDonationForm({ amount: 'other', amount_other: '$1,000.50' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { gift: 100_050 } });
  });

  it.each(['25,50', '1,00', '10,00,0'])('refuses %p with the amount message rather than misreading it', (typed) => {
    const result = parseDonationForm({ amount: 'other', amount_other: typed }, ctx);
    expect(result).toEqual({ ok: false, errors: [{ field: 'amount_other', message: 'Enter an amount in dollars, like 25 or 25.50' }] });
  });

  it('reports every bad field at once', () => {
    const result = parseDonationForm({ amount: 'abc', email: 'nope', frequency: 'weekly', comment: 'x'.repeat(1001) }, ctx);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['amount', 'comment', 'email', 'frequency']);
  });

  it('rejects control characters in free text', () => {
    const result = parseDonationForm({ amount: '10', tribute_name: 'Ada\u0000' }, ctx);
    expect(!result.ok && result.errors[0]!.field).toBe('tribute_name');
  });
});
