import { z } from 'zod';
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
});

export type Settings = z.infer<typeof settingsSchema>;
export type GivingSettings = Settings['giving'];
export type OrganizationSettings = Settings['organization'];
export type ReceiptSettings = Settings['receipts'];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export async function readSettings(db: Db): Promise<Settings> {
  return settingsSchema.parse(await selectSettingRows(db));
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
  ) {}

  async get(): Promise<Settings> {
    if (this.value && this.now() - this.loadedAt < this.ttlMs) return this.value;
    this.value = await readSettings(this.db);
    this.loadedAt = this.now();
    return this.value;
  }

  invalidate(): void {
    this.value = null;
  }
}

/** What a fresh install uses before staff change anything. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
