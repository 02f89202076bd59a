import { z } from 'zod';
import { FREQUENCIES } from '../giving/frequency';
import { selectSettingRows, upsertSettingRow } from './settings-queries';
import type { Db } from '../db/knex';

/**
 * Organisation details and giving rules, stored as one JSON value per key in
 * the `settings` table and edited by staff. Missing keys fall back to these
 * defaults so a fresh install works before anyone opens the settings page.
 */
const organizationSchema = z.object({
  name: z.string().min(1).default('Our Newsroom'),
  legal_name: z.string().min(1).default('Our Newsroom, Inc.'),
  ein: z.string().default(''),
  address: z.string().default(''),
  website: z.string().default(''),
  /**
   * IANA zone the organisation keeps its books in: a receipt's year (and so
   * its number series) and the dates it prints are those of this calendar.
   */
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York').default('America/New_York'),
});

/**
 * Receipt wording staff may change. The IRS Publication 1771 statements
 * themselves are fixed in src/receipts/receipt-wording.ts: they follow the rule,
 * not a preference.
 */
const receiptsSchema = z.object({
  /**
   * Replaces the generated "<legal name> is a tax-exempt organization under
   * Section 501(c)(3)... EIN ..." line, e.g. for a fiscally sponsored newsroom
   * whose sponsor is the charity. Empty: the generated line.
   */
  tax_status_statement: z.string().max(1000).default(''),
  /** Extra note printed at the end of every receipt (a thank-you, a contact). */
  footer_note: z.string().max(2000).default(''),
});

export const TWO_DECIMAL_CURRENCIES = ['usd', 'cad', 'eur', 'gbp', 'aud', 'nzd', 'chf', 'sek', 'nok', 'dkk', 'mxn'] as const;

const givingSchema = z
  .object({
    headline: z.string().min(1).default('Support our non-profit journalism'),
    intro: z
      .string()
      .default(
        'Independent local reporting is free to read because readers like you chip in. ' +
          'Your tax-deductible gift pays for the next story.',
      ),
    // Only currencies with two decimal places: amounts are typed and stored in
    // hundredths (Stripe's zero-decimal currencies like JPY would be off by 100x).
    currency: z.enum(TWO_DECIMAL_CURRENCIES).default('usd'),
    /** Preset buttons, in minor units. */
    presets: z.array(z.number().int().positive()).min(1).max(8).default([1000, 2500, 5000, 10000]),
    default_amount: z.number().int().positive().default(2500),
    min_amount: z.number().int().positive().default(100),
    max_amount: z.number().int().positive().default(10_000_000),
    fee_percent_bps: z.number().int().min(0).max(2000).default(290),
    fee_fixed: z.number().int().min(0).max(1000).default(30),
  })
  .refine((g) => g.min_amount <= g.max_amount, 'min_amount must not exceed max_amount');

/**
 * The article footer box (`/embed/footer`). A newsroom can give a campaign its
 * own headline, copy, amounts and default frequency; the loader's
 * `data-amounts` / `data-frequency` attributes override those in turn.
 */
const embedCampaignSchema = z.object({
  headline: z.string().min(1).max(120).optional(),
  copy: z.string().max(600).optional(),
  presets: z.array(z.number().int().positive()).min(1).max(6).optional(),
  default_frequency: z.enum(FREQUENCIES).optional(),
});
const embedSchema = z.object({
  headline: z.string().min(1).max(120).default('Support our non-profit journalism'),
  copy: z
    .string()
    .max(600)
    .default('This story was free to read because readers chip in. Your tax-deductible gift pays for the next one.'),
  default_frequency: z.enum(FREQUENCIES).default('once'),
  /** The newsroom's colour for the button and selected choices; text on it is white, so it must be dark enough. */
  accent_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #b3261e')
    .refine((hex) => contrastWithWhite(hex) >= 4.5, 'must be dark enough for white text on it (WCAG AA, 4.5:1)')
    .default('#b3261e'),
  campaigns: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'campaign keys are lower-case slugs'), embedCampaignSchema).default({}),
});

/**
 * Membership levels by yearly giving, lowest first. A donor's level is the
 * highest whose minimum they reach (see src/members/levels.ts).
 */
const levelsSchema = z
  .array(z.object({ name: z.string().min(1).max(60), min_yearly: z.number().int().min(0) }))
  .min(1)
  .max(12)
  .refine((levels) => levels.every((l, i) => i === 0 || l.min_yearly > levels[i - 1]!.min_yearly), 'levels must rise in order')
  .default([
    { name: 'Supporter', min_yearly: 0 },
    { name: 'Member', min_yearly: 6_000 },
    { name: 'Sustainer', min_yearly: 12_000 },
    { name: 'Leadership Circle', min_yearly: 100_000 },
  ]);

const settingsSchema = z.object({
  organization: organizationSchema.default(organizationSchema.parse({})),
  giving: givingSchema.default(givingSchema.parse({})),
  membership_levels: levelsSchema,
  receipts: receiptsSchema.default(receiptsSchema.parse({})),
  embed: embedSchema.default(embedSchema.parse({})),
});

export type Settings = z.infer<typeof settingsSchema>;
export type GivingSettings = Settings['giving'];
export type OrganizationSettings = Settings['organization'];
export type ReceiptSettings = Settings['receipts'];
export type EmbedSettings = Settings['embed'];

/** WCAG 2 contrast ratio of white against a #rrggbb colour. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Told of a stored setting that no longer validates (and is ignored). */
export type InvalidSettingHandler = (key: string, problem: string) => void;

/**
 * The stored settings, key by key: a value that does not validate (edited by
 * hand, or written by an older version) falls back to that key's defaults
 * rather than take every page of the product down with it.
 */
export async function readSettings(db: Db, onInvalid?: InvalidSettingHandler): Promise<Settings> {
  const stored = await selectSettingRows(db);
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(settingsSchema.shape)) {
    const parsed = schema.safeParse(stored[key]);
    if (parsed.success) settings[key] = parsed.data;
    else {
      settings[key] = schema.parse(undefined);
      onInvalid?.(key, parsed.error.issues.map((issue) => `${[key, ...issue.path].join('.')}: ${issue.message}`).join('; '));
    }
  }
  return settings as Settings;
}

export async function writeSetting<K extends keyof Settings>(db: Db, key: K, value: Partial<Settings[K]>): Promise<void> {
  const current = (await readSettings(db))[key];
  // Objects are merged key by key; a list (the levels) is replaced whole.
  const next = settingsSchema.shape[key].parse(Array.isArray(value) ? value : { ...current, ...value });
  await upsertSettingRow(db, key, next);
}

/**
 * Settings change rarely and are read on every page; each process keeps them
 * for a few seconds, which bounds how stale another instance's view can be.
 */
export class SettingsCache {
  private value: Settings | null = null;
  private loadedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
    private readonly onInvalid?: InvalidSettingHandler,
  ) {}

  async get(): Promise<Settings> {
    if (this.value && this.now() - this.loadedAt < this.ttlMs) return this.value;
    this.value = await readSettings(this.db, this.onInvalid);
    this.loadedAt = this.now();
    return this.value;
  }

  /** The settings if they are cached and fresh, without waiting: for hot paths that can fall back to get(). */
  current(): Settings | null {
    return this.value && this.now() - this.loadedAt < this.ttlMs ? this.value : null;
  }

  invalidate(): void {
    this.value = null;
  }
}

/** What a fresh install uses before staff change anything. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
