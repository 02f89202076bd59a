import { DONATION_STATUS_LABELS, STAFF_LISTED_DONATION_STATUSES } from '../../giving/donation-status';
import { FREQUENCIES } from '../../giving/frequency';
import { LISTED_MEMBERSHIP_STATUSES, MEMBERSHIP_STATUS_LABELS } from '../../members/membership-status';
import type { Settings } from '../../settings/settings';
import { MEMBERSHIP_FILTERS } from '../donor-search';
import { addDays, DEFAULT_PERIOD_DAYS } from '../report-period';
import { DONOR_GROUPS } from './export-schemas';

const FREQUENCY_LABELS: Record<(typeof FREQUENCIES)[number], string> = { once: 'One-time', monthly: 'Monthly', annual: 'Yearly' };
/** Years offered for year-end files: statements go out for last year, and a donor may ask about any of a few before. */
const YEARS_OFFERED = 6;

/**
 * The exports page: one form per file, each with the period (the last 30
 * days unless changed) and that file's filters, as the file's own URL takes
 * them. Pure: built from the settings and today's date in the organisation's zone.
 */
export function buildExportsView(settings: Settings, today: string) {
  const year = Number(today.slice(0, 4));
  return {
    title: 'Exports',
    timezone: settings.organization.timezone,
    currency: settings.giving.currency.toUpperCase(),
    period: { from: addDays(today, 1 - DEFAULT_PERIOD_DAYS), to: today },
    levels: settings.membership_levels.map((level) => level.name),
    membershipFilters: Object.entries(MEMBERSHIP_FILTERS).map(([value, label]) => ({ value, label })),
    donorGroups: Object.entries(DONOR_GROUPS).map(([value, label]) => ({ value, label })),
    donationStatuses: STAFF_LISTED_DONATION_STATUSES.map((value) => ({ value, label: DONATION_STATUS_LABELS[value] })),
    frequencies: FREQUENCIES.map((value) => ({ value, label: FREQUENCY_LABELS[value] })),
    membershipStatuses: LISTED_MEMBERSHIP_STATUSES.map((value) => ({ value, label: `${MEMBERSHIP_STATUS_LABELS[value]} (${value})` })),
    years: Array.from({ length: YEARS_OFFERED }, (_, i) => year - i),
    defaultYear: year - 1,
  };
}
