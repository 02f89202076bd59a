import { cleanAttributionValue } from '../giving/attribution';
import { FREQUENCIES, type Frequency } from '../giving/frequency';
import { formatMoney, grossUpForFees, parseMajorAmount, toMajorString } from '../lib/money';
import type { Settings } from '../settings/settings';

/**
 * The article footer box. Its URL carries only what the newsroom's tag says
 * (campaign, amounts, frequency, variant, theme), so a CDN can keep one copy
 * per tag; the article's own details travel in the URL fragment, which no
 * server or cache sees, and the box's script copies them into the form.
 */
export interface FooterOptions {
  campaign: string | null;
  frequency: Frequency | null;
  amounts: number[] | null;
  variant: string | null;
  theme: Theme;
}

export const THEMES = ['light', 'dark', 'auto'] as const;
export type Theme = (typeof THEMES)[number];

const MAX_PRESETS = 6;

/**
 * A newsroom's tag is not a reader's input: a typo in `data-amounts` must not
 * break the box on every article, so a value that cannot be used is ignored
 * and the settings apply (docs/EMBED.md says so).
 */
export function footerOptionsFromQuery(query: Record<string, string>, settings: Settings): FooterOptions {
  const frequency = (FREQUENCIES as readonly string[]).includes(query.frequency ?? '') ? (query.frequency as Frequency) : null;
  const theme = (THEMES as readonly string[]).includes(query.theme ?? '') ? (query.theme as Theme) : 'light';
  return {
    campaign: cleanAttributionValue('campaign', query.campaign),
    frequency,
    amounts: parseAmounts(query.amounts, settings),
    variant: cleanAttributionValue('cta_variant', query.variant),
    theme,
  };
}

/** "10,25,50" or "10 25 50" (major units, cents allowed): each within the gift limits, at most six. */
function parseAmounts(raw: string | undefined, settings: Settings): number[] | null {
  if (!raw) return null;
  const { min_amount: min, max_amount: max } = settings.giving;
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > MAX_PRESETS) return null;
  const amounts: number[] = [];
  for (const part of parts) {
    const minor = parseMajorAmount(part);
    if (minor === null || minor < min || minor > max) return null;
    if (!amounts.includes(minor)) amounts.push(minor);
  }
  return amounts;
}

/** The canonical form of the options: the cache key, so `?b=1&a=2` and `?a=2&b=1` share one entry. */
export function footerCacheKey(options: FooterOptions): string {
  return JSON.stringify([options.campaign, options.frequency, options.amounts, options.variant, options.theme]);
}

export function buildFooterView(settings: Settings, options: FooterOptions, baseUrl: string) {
  const { giving, embed } = settings;
  const key = options.campaign?.toLowerCase();
  const campaign = key && Object.hasOwn(embed.campaigns, key) ? embed.campaigns[key] : undefined;
  // A campaign's amounts were set apart from the gift limits: one outside them would only earn the reader a 422.
  const inRange = (amounts: number[] | undefined) => amounts?.filter((a) => a >= giving.min_amount && a <= giving.max_amount);
  const campaignPresets = inRange(campaign?.presets);
  const presets = options.amounts ?? (campaignPresets?.length ? campaignPresets : giving.presets.slice(0, MAX_PRESETS));
  const chosen = presets.includes(giving.default_amount) ? giving.default_amount : presets[Math.floor((presets.length - 1) / 2)]!;
  const frequency = options.frequency ?? campaign?.default_frequency ?? embed.default_frequency;
  const fee = { percentBps: giving.fee_percent_bps, fixed: giving.fee_fixed };
  const hidden: { name: string; value: string }[] = [{ name: 'embed', value: '1' }];
  if (options.campaign) hidden.push({ name: 'campaign', value: options.campaign });
  if (options.variant) hidden.push({ name: 'cta_variant', value: options.variant });
  return {
    title: campaign?.headline ?? embed.headline,
    headline: campaign?.headline ?? embed.headline,
    copy: campaign?.copy ?? embed.copy,
    org: settings.organization,
    theme: options.theme,
    accent: embed.accent_color,
    action: `${baseUrl}/donate`,
    currency: giving.currency,
    presets: presets.map((minor) => ({
      value: toMajorString(minor),
      label: formatMoney(minor, giving.currency, { compact: true }),
      checked: minor === chosen,
    })),
    frequencies: [
      { value: 'once', label: 'Once', checked: frequency === 'once' },
      { value: 'monthly', label: 'Monthly', checked: frequency === 'monthly' },
      { value: 'annual', label: 'Yearly', checked: frequency === 'annual' },
    ],
    currencySymbol: formatMoney(0, giving.currency).replace(/[\d.,\s]/g, ''),
    minAmountLabel: formatMoney(giving.min_amount, giving.currency, { compact: true }),
    maxAmountLabel: formatMoney(giving.max_amount, giving.currency, { compact: true }),
    feePercentBps: giving.fee_percent_bps,
    feeFixed: giving.fee_fixed,
    feeExample: formatMoney(grossUpForFees(chosen, fee) - chosen, giving.currency),
    exampleAmount: formatMoney(chosen, giving.currency, { compact: true }),
    hidden,
  };
}
