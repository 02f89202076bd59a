import { replaceControlCharacters } from '../lib/text';

/**
 * Where a gift came from: hidden fields set by the embed, newsletter links and
 * the donate page itself. A donor cannot see or fix them, so a bad value never
 * blocks a gift: it is trimmed to its limit, stripped of control characters,
 * or dropped.
 */
export const ATTRIBUTION_FIELDS = {
  article_url: 2048,
  article_title: 300,
  campaign: 200,
  utm_source: 200,
  utm_medium: 200,
  utm_campaign: 200,
  utm_content: 200,
  cta_variant: 100,
  referrer: 2048,
} as const;

export type AttributionField = keyof typeof ATTRIBUTION_FIELDS;
export type Attribution = Record<AttributionField, string | null>;

const URL_FIELDS = new Set<string>(['article_url', 'referrer']);

export function cleanAttributionValue(field: AttributionField, raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const value = replaceControlCharacters(raw).trim();
  if (!value) return null;
  if (URL_FIELDS.has(field)) {
    if (value.length > ATTRIBUTION_FIELDS[field]) return null;
    return isHttpUrl(value) ? value : null;
  }
  return value.slice(0, ATTRIBUTION_FIELDS[field]);
}

export function cleanAttribution(source: Record<string, unknown>): Attribution {
  const result = {} as Attribution;
  for (const field of Object.keys(ATTRIBUTION_FIELDS) as AttributionField[]) {
    result[field] = cleanAttributionValue(field, source[field]);
  }
  return result;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Stripe's limit on a metadata value; a longer URL is left out rather than cut into a wrong one. */
const STRIPE_METADATA_VALUE_MAX = 500;

/**
 * The attribution as Checkout metadata (on the session, the payment intent and
 * the subscription, whose metadata Stripe copies onto every invoice): visible
 * in Stripe's dashboard and exports, and enough to attribute a membership we
 * only learn of from Stripe (createMembershipFromStripe).
 */
export function attributionMetadata(attribution: Attribution): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const field of Object.keys(ATTRIBUTION_FIELDS) as AttributionField[]) {
    const value = attribution[field];
    if (value && value.length <= STRIPE_METADATA_VALUE_MAX) metadata[field] = value;
  }
  return metadata;
}

/** Back from Stripe metadata: cleaned like any other input, since anyone with dashboard access can edit it. */
export function attributionFromMetadata(metadata: Record<string, string> | null | undefined): Attribution {
  return cleanAttribution(metadata ?? {});
}
