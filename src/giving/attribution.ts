import { replaceControlCharacters } from '../lib/text';
import { parseHttpUrl } from '../lib/urls';

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

/**
 * Query parameters that name a person: newsletter and marketing tools put the
 * subscriber's email or id in the links they send, and those links become the
 * article URL, the referrer and the way back. We keep the story, not the reader.
 */
const PERSONAL_PARAMETERS = new Set([
  'email', 'e', 'mail', 'subscriber', 'subscriber_id', 'sub_id', 'uid', 'user_id', 'userid', 'token', 'key',
  'mc_eid', 'ck_subscriber_id', '_hsenc', '_hsmi', 'mkt_tok', 'vero_id', 'oly_enc_id', 'oly_anon_id', 'fbclid', 'gclid',
]);

/** The URL without the query parameters that name a person; null when it is not an http(s) URL. */
export function withoutPersonalParameters(value: string): string | null {
  const url = parseHttpUrl(value);
  if (!url) return null;
  const names = [...url.searchParams.keys()];
  if (!names.some((name) => PERSONAL_PARAMETERS.has(name.toLowerCase()))) return value;
  for (const name of names) if (PERSONAL_PARAMETERS.has(name.toLowerCase())) url.searchParams.delete(name);
  return url.href;
}

export function cleanAttributionValue(field: AttributionField, raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const value = replaceControlCharacters(raw).trim();
  if (!value) return null;
  if (URL_FIELDS.has(field)) {
    if (value.length > ATTRIBUTION_FIELDS[field]) return null;
    return withoutPersonalParameters(value);
  }
  // A campaign is a slug a newsroom types in many tags: "Spring-Drive" and
  // "spring-drive" are one campaign in the reports.
  if (field === 'campaign') return value.slice(0, ATTRIBUTION_FIELDS.campaign).toLowerCase();
  return value.slice(0, ATTRIBUTION_FIELDS[field]);
}

export function cleanAttribution(source: Record<string, unknown>): Attribution {
  const result = {} as Attribution;
  for (const field of Object.keys(ATTRIBUTION_FIELDS) as AttributionField[]) {
    result[field] = cleanAttributionValue(field, source[field]);
  }
  return result;
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
