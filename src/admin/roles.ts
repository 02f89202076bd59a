/**
 * Who may use which part of the console: the one statement of it. Routes ask
 * `requireAccess(area)` (staff-sessions.ts), views ask `may(area)`; nothing
 * else compares role names.
 *
 * - `admin` runs the console: everything, including staff accounts,
 *   settings and the audit log.
 * - `finance` (development and finance): donors, receipts, every report and
 *   every export.
 * - `staff`: the dashboard, donors and receipts; no reports beyond revenue
 *   by story, no exports.
 * - `newsroom` (editors): how giving goes, never who gives. The dashboard's
 *   aggregates and revenue by story only; nothing that names a donor, in any
 *   page or file (the editorial firewall that nonprofit news standards ask
 *   for: donors' identities are kept away from editorial decisions).
 */
export const STAFF_ROLES = ['admin', 'finance', 'staff', 'newsroom'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const EVERYONE = STAFF_ROLES;

export const ACCESS = {
  /** Aggregates only: the newsroom's dashboard leaves out every list that names a donor. */
  dashboard: EVERYONE,
  /** Revenue by story, without the gifts (and givers) behind each row. */
  story_report: EVERYONE,
  /** Anything that names a donor: the donors list and record, gift lists, donor-facing PDFs. */
  donor_identities: ['admin', 'finance', 'staff'],
  receipt_files: ['admin', 'finance', 'staff'],
  /** Revenue, membership and gift reports, campaigns and sources. */
  reports: ['admin', 'finance'],
  exports: ['admin', 'finance'],
  /** Staff accounts, settings, the audit log. */
  manage: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type ConsoleArea = keyof typeof ACCESS;

export const ROLE_DESCRIPTIONS: Record<StaffRole, string> = {
  admin: 'everything, including staff accounts, settings and the audit log',
  finance: 'donors, receipts, reports and exports',
  staff: 'dashboard, donors and receipts; no exports',
  newsroom: 'giving totals and revenue by story; never a donor’s name or address',
};

export function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

export function mayUse(role: StaffRole, area: ConsoleArea): boolean {
  return (ACCESS[area] as readonly StaffRole[]).includes(role);
}
