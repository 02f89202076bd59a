import { randomInt } from 'node:crypto';
import type { Settings } from '../settings/settings';
import {
  CANCELLATION_COMMENTS,
  CANCELLATION_FEEDBACK,
  CHANNELS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  GIFT_COMMENTS,
  HEADLINES,
  LAST_NAMES,
  MONTHLY_AMOUNTS,
  NEWSROOM_SITE,
  STREET_KINDS,
  STREETS,
  TOWNS,
  YEARLY_AMOUNTS,
} from './seed-vocabulary';

/**
 * What a demo seeding run will draw from: its sizes, its two-year calendar
 * (stories with publication dates, fundraising campaigns with their windows)
 * and the vocabulary, as plain arrays the SQL picks from by index. Pure: the
 * same `now`, settings and sizes give the same plan.
 */

export interface SeedSizes {
  donors: number;
  /** Target for all donations; one-time gifts fill what memberships leave. */
  donations: number;
  memberships: number;
}

const DAY_MS = 86_400_000;
/** The donors (the lowest-numbered) who give most repeat gifts, and who gave before the history began. */
const LOYAL_SHARE = 0.2;
/** The history a seeded database shows: two years up to now. */
const HISTORY_DAYS = 730;

/** About five donations per donor, as a newsroom's records look; about one donor in six a member. */
export function sizesFor(donors: number): SeedSizes {
  return { donors, donations: donors * 5, memberships: Math.round(donors * 0.16) };
}

/** One value repeated by its weight, so that `pick[1 + floor(random() * length)]` draws it with that weight. */
function weighted<T>(entries: readonly (readonly [T, number])[]): T[] {
  return entries.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Stories spread evenly over the history, the newest about a week old; each URL carries its month as newsroom URLs do. */
function stories(now: Date) {
  const start = now.getTime() - HISTORY_DAYS * DAY_MS;
  const step = (HISTORY_DAYS * DAY_MS) / HEADLINES.length;
  return HEADLINES.map((title, i) => {
    const published = new Date(start + step * (i + 0.5));
    const month = String(published.getUTCMonth() + 1).padStart(2, '0');
    return { title, url: `${NEWSROOM_SITE}/${published.getUTCFullYear()}/${month}/${slug(title)}/`, published };
  });
}

interface CampaignWindow {
  name: string;
  start: Date;
  end: Date;
  /** Gifts per day relative to an ordinary day's share: Giving Tuesday is one intense day. */
  intensity: number;
}

/** The Tuesday after the fourth Thursday of November (US Thanksgiving). */
function givingTuesday(year: number): Date {
  const first = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const thanksgiving = 1 + ((4 - first + 7) % 7) + 21;
  return new Date(Date.UTC(year, 10, thanksgiving + 5));
}

/** The fundraising calendar of a US nonprofit newsroom, clipped to the history. */
function campaigns(now: Date): CampaignWindow[] {
  const from = now.getTime() - HISTORY_DAYS * DAY_MS;
  const windows: CampaignWindow[] = [];
  for (let year = now.getUTCFullYear() - 2; year <= now.getUTCFullYear(); year += 1) {
    const utc = (month: number, day: number) => new Date(Date.UTC(year, month, day));
    const tuesday = givingTuesday(year);
    windows.push(
      { name: `spring-member-drive-${year}`, start: utc(3, 1), end: utc(4, 1), intensity: 2 },
      { name: `newsmatch-${year}`, start: utc(10, 1), end: utc(11, 26), intensity: 3 },
      { name: `giving-tuesday-${year}`, start: tuesday, end: new Date(tuesday.getTime() + DAY_MS), intensity: 40 },
      { name: `year-end-${year}`, start: utc(11, 26), end: utc(12, 1), intensity: 12 },
    );
  }
  return windows
    .map((w) => ({ ...w, start: new Date(Math.max(w.start.getTime(), from)), end: new Date(Math.min(w.end.getTime(), now.getTime() - 3_600_000)) }))
    .filter((w) => w.end.getTime() - w.start.getTime() >= 3_600_000);
}

/** Six characters standing where Stripe puts the account's own part of an id; fixed for a repeatable seed. */
const FIXED_TAG = 'Sus7Dm';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface SeedPlanInput {
  now: Date;
  settings: Settings;
  sizes: SeedSizes;
  /**
   * Beside existing giving records. A run into an empty database (the
   * benchmark's too) draws the same data every time; an appended run draws
   * anew and tags its ids apart, so they never collide with an earlier run's.
   */
  append: boolean;
}

export type SeedPlan = ReturnType<typeof buildSeedPlan>;

export function buildSeedPlan({ now, settings, sizes, append }: SeedPlanInput) {
  const repeatable = !append;
  const tag = repeatable ? FIXED_TAG : Array.from({ length: FIXED_TAG.length }, () => BASE62[randomInt(62)]).join('');
  const storyList = stories(now);
  const windows = campaigns(now);
  const { giving, organization } = settings;
  // Presets are what most one-time donors click; the middle ones most of all.
  const presetWeights = giving.presets.map((amount, i) => [amount, i === 0 || i === giving.presets.length - 1 ? 2 : 3] as const);
  const towns = weighted(TOWNS.map((t, i) => [i + 1, t[3]] as const));
  // Donations number their Stripe ids in three ranges that cannot meet: membership payments from 1
  // (at most one per month of the history per membership), one-time gifts, then unpaid attempts.
  const giftIdBase = sizes.memberships * 25 + 1;
  const attemptIdBase = giftIdBase + sizes.donations + sizes.donors + 1;
  return {
    sizes,
    /** For setseed(): a repeatable run's fixed seed, or a fresh one. */
    seed: repeatable ? 0.2026 : Math.random() * 2 - 1,
    bindings: {
      now: now.toISOString(),
      t0: new Date(now.getTime() - HISTORY_DAYS * DAY_MS).toISOString(),
      tz: organization.timezone,
      currency: giving.currency,
      fee_bps: giving.fee_percent_bps,
      fee_fixed: giving.fee_fixed,
      min_amount: giving.min_amount,
      max_amount: giving.max_amount,
      tag,
      loyal_share: LOYAL_SHARE,
      gift_id_base: giftIdBase,
      attempt_id_base: attemptIdBase,
      /** Only this run's donors are counted up (receipts, totals, statements) beside existing records. */
      append,
      site: `${NEWSROOM_SITE}/`,
      tag_offset: Number([...tag].reduce((n, c) => (n * 62n + BigInt(BASE62.indexOf(c))) % 62n ** 8n, 0n)),
      first_names: FIRST_NAMES,
      last_names: LAST_NAMES,
      domains: weighted(EMAIL_DOMAINS),
      streets: STREETS,
      street_kinds: STREET_KINDS,
      towns,
      town_names: TOWNS.map((t) => t[0]),
      town_states: TOWNS.map((t) => t[1]),
      town_zips: TOWNS.map((t) => t[2]),
      story_titles: storyList.map((s) => s.title),
      story_urls: storyList.map((s) => s.url),
      story_published: storyList.map((s) => s.published.toISOString()),
      campaign_names: windows.map((w) => w.name),
      campaign_starts: windows.map((w) => w.start.toISOString()),
      campaign_seconds: windows.map((w) => (w.end.getTime() - w.start.getTime()) / 1000),
      campaign_pick: weighted(windows.map((w, i) => [i + 1, Math.max(1, Math.round(((w.end.getTime() - w.start.getTime()) / DAY_MS) * w.intensity))] as const)),
      channel_sources: CHANNELS.map((c) => c[0]),
      channel_mediums: CHANNELS.map((c) => c[1]),
      channel_campaigns: CHANNELS.map((c) => c[2]),
      channel_referrers: CHANNELS.map((c) => c[3]),
      channel_pick: weighted(CHANNELS.map((c, i) => [i + 1, c[4]] as const)),
      presets: weighted(presetWeights),
      monthly_amounts: weighted(MONTHLY_AMOUNTS),
      yearly_amounts: weighted(YEARLY_AMOUNTS),
      feedback: weighted(CANCELLATION_FEEDBACK),
      cancellation_comments: CANCELLATION_COMMENTS,
      gift_comments: GIFT_COMMENTS,
    },
  };
}
