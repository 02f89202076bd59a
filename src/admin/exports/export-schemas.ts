import { z } from 'zod';
import { STAFF_LISTED_DONATION_STATUSES } from '../../giving/donation-status';
import { FREQUENCIES } from '../../giving/frequency';
import { printable } from '../../lib/text';
import { LISTED_MEMBERSHIP_STATUSES } from '../../members/membership-status';
import { donorSearchQuery } from '../donor-search';
import { withReportPeriod } from '../report-period';

/**
 * The query string of each export (`GET /admin/exports/*.csv`), the form on
 * /admin/exports sends the same fields. Every export takes the period (`from`,
 * `to`: dates in the organisation's zone, both included; the last 30 days when
 * left out) and `bom=1`; each takes its list's filters. An empty field is an
 * absent one, as forms send them.
 */

const blankIsAbsent = <Schema extends z.ZodType>(schema: Schema) => z.preprocess((value) => (value === '' ? undefined : value), schema);

/** `bom=1`: start the file with the UTF-8 byte-order mark, which Excel needs to read it as UTF-8. */
const bom = blankIsAbsent(z.enum(['0', '1'], { error: 'must be 1 or 0' }).optional()).transform((value) => value === '1');

export const DONOR_GROUPS = { gave: 'Gave in the period', all: 'Everyone matching the filters' } as const;

/** The donors list's own filters (admin/donor-search.ts), and whom to include. */
export function donorsExportRequest(today: string) {
  return withReportPeriod(
    {
      q: donorSearchQuery.shape.q,
      level: donorSearchQuery.shape.level,
      membership: donorSearchQuery.shape.membership,
      who: blankIsAbsent(z.enum(Object.keys(DONOR_GROUPS) as (keyof typeof DONOR_GROUPS)[]).default('gave')),
      bom,
    },
    today,
  );
}

export function donationsExportRequest(today: string) {
  return withReportPeriod(
    {
      status: z.enum(['', ...STAFF_LISTED_DONATION_STATUSES]).default(''),
      frequency: z.enum(['', ...FREQUENCIES]).default(''),
      // Campaigns are stored as lower-case slugs (giving/attribution.ts).
      campaign: printable.trim().toLowerCase().max(200, 'a campaign is at most 200 characters').default(''),
      bom,
    },
    today,
  );
}

export function membershipsExportRequest(today: string) {
  return withReportPeriod({ status: z.enum(['', ...LISTED_MEMBERSHIP_STATUSES]).default(''), bom }, today);
}

/** The year of the statements: receipts are numbered and counted by calendar year. */
export const yearEndExportRequest = z.object({
  year: z.coerce.number({ error: 'must be a year such as 2026' }).int('must be a year such as 2026').min(1900, 'must be 1900 or later').max(9999, 'must be a year such as 2026'),
  bom,
});
