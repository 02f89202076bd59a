/**
 * Where a seeded gift came from, as a select list over the columns `source`
 * (1 a campaign, 2 a story, 3 anything else), `story_ix`, `campaign_ix`,
 * `channel_ix` (indexes into the plan's lists) and `r_variant` (a random
 * number in [0, 1)).
 * It follows what the product records (giving/attribution.ts):
 *
 * - a gift from the article footer box names the article, carries the
 *   page's referrer and UTM tags and the box's variant, and goes back to the
 *   article (`return_to`);
 * - a campaign gift came from the appeal email (UTM tags naming the campaign)
 *   or from the site's banner (the campaign, referred by the newsroom's site);
 * - anything else: the referrer and UTM tags of the way the reader came.
 */

export const SOURCE = { campaign: 1, story: 2, other: 3 } as const;

/** The attribution columns of `donations` and `memberships` (giving/attribution.ts ATTRIBUTION_FIELDS). */
export const ATTRIBUTION_COLUMNS = 'article_url, article_title, campaign, utm_source, utm_medium, utm_campaign, utm_content, referrer, cta_variant';

/** ATTRIBUTION_COLUMNS of the row `alias`. */
export function attributionColumnsOf(alias: string): string {
  return ATTRIBUTION_COLUMNS.split(', ').map((column) => `${alias}.${column}`).join(', ');
}

const pick = (list: string, index: string) => `(:${list}::text[])[${index}]`;
const EMAIL_APPEAL = 'r_variant < 0.6';

export function attributionSql(): string {
  const story = `source = ${SOURCE.story}`;
  const campaign = `source = ${SOURCE.campaign}`;
  return `
    case when ${story} then ${pick('story_urls', 'story_ix')} end as article_url,
    case when ${story} then ${pick('story_titles', 'story_ix')} end as article_title,
    case when ${campaign} then ${pick('campaign_names', 'campaign_ix')} end as campaign,
    case when ${campaign} then case when ${EMAIL_APPEAL} then 'newsletter' end else ${pick('channel_sources', 'channel_ix')} end as utm_source,
    case when ${campaign} then case when ${EMAIL_APPEAL} then 'email' end else ${pick('channel_mediums', 'channel_ix')} end as utm_medium,
    case when ${campaign} then case when ${EMAIL_APPEAL} then ${pick('campaign_names', 'campaign_ix')} end else ${pick('channel_campaigns', 'channel_ix')} end as utm_campaign,
    case when ${campaign} and ${EMAIL_APPEAL} then case when r_variant < 0.35 then 'button' else 'text-link' end end as utm_content,
    case when ${campaign} then case when not ${EMAIL_APPEAL} then :site end else ${pick('channel_referrers', 'channel_ix')} end as referrer,
    case when ${story} then case when r_variant < 0.45 then 'footer-a' when r_variant < 0.9 then 'footer-b' end end as cta_variant,
    case when ${story} then ${pick('story_urls', 'story_ix')} end as return_to`;
}

/**
 * When a gift of `source` happened, from the random number `r_when`: within
 * its campaign's window, in the days after its story was published (most
 * readers give within a week), or anywhere in the history, more often lately
 * (a growing newsroom).
 */
export function givenAtSql(): string {
  return `case source
      when ${SOURCE.campaign} then (:campaign_starts::timestamptz[])[campaign_ix] + (:campaign_seconds::float8[])[campaign_ix] * r_when * interval '1 second'
      when ${SOURCE.story} then least((:story_published::timestamptz[])[story_ix] + interval '24 hours' * (-ln(1 - r_when) * 6), :now::timestamptz - interval '10 minutes')
      else :t0::timestamptz + (:now::timestamptz - :t0::timestamptz - interval '1 hour') * power(r_when, 0.8)
    end`;
}

/** `source`, `story_ix`, `campaign_ix` and `channel_ix` drawn from the random numbers `r_source`, `r_pick` and `r_channel`. */
export function sourceDrawSql(): string {
  return `
    case when r_source < 0.22 then ${SOURCE.campaign} when r_source < 0.55 then ${SOURCE.story} else ${SOURCE.other} end as source,
    (:campaign_pick::int[])[1 + floor(r_pick * cardinality(:campaign_pick::int[]))::int] as campaign_ix,
    1 + floor(r_pick * cardinality(:story_urls::text[]))::int as story_ix,
    (:channel_pick::int[])[1 + floor(r_channel * cardinality(:channel_pick::int[]))::int] as channel_ix`;
}
