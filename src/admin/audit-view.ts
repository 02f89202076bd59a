import { z } from 'zod';
import type { Db } from '../db/knex';
import { dateFormatter } from '../lib/date-format';
import { listAuditEntries, type AuditAction, type AuditRow } from './audit-queries';

export const AUDIT_PAGE_SIZE = 100;

const ACTION_LABEL: Record<AuditAction, string> = {
  'staff.signed_in': 'Signed in',
  'staff.sign_in_failed': 'Failed sign-in',
  'staff.signed_out': 'Signed out',
  'staff.created': 'Staff account created',
  'staff.disabled': 'Staff account disabled',
  'staff.enabled': 'Staff account enabled',
  'staff.password_changed': 'Staff password changed',
  'donor.viewed': 'Opened donor record',
  'receipt.downloaded': 'Downloaded receipt',
  'report.exported': 'Exported report',
  'settings.changed': 'Changed settings',
  'export.downloaded': 'Downloaded export',
  'export.aborted': 'Export stopped before the end',
};

const ENTRY_NUMBER = 'must be an entry number';

export const auditQuery = z.object({
  before: z.coerce
    .number({ error: ENTRY_NUMBER })
    .int(ENTRY_NUMBER)
    .positive(ENTRY_NUMBER)
    .max(Number.MAX_SAFE_INTEGER, ENTRY_NUMBER)
    .optional(),
});

/** The newest entries of the audit log, a page at a time (older pages by `before`, the last id shown). */
export async function loadAuditView(db: Db, before: number | undefined, timeZone: string) {
  // One more than a page: whether it comes back says if there is an older page.
  const rows = await listAuditEntries(db, before, AUDIT_PAGE_SIZE + 1);
  return buildAuditView(rows, timeZone);
}

export function buildAuditView(rows: AuditRow[], timeZone: string) {
  const shown = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    entries: shown.map((row) => ({
      when: dateFormatter(timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(row.created_at),
      who: row.staff_name ?? row.staff_email ?? (row.action === 'staff.created' ? 'Command line' : '—'),
      what: ACTION_LABEL[row.action] ?? row.action,
      donorId: row.subject_type === 'donor' ? row.subject_id : null,
      receiptNumber: row.receipt_number,
      setting: row.subject_type === 'settings' ? row.subject_id : null,
      staffAccount: row.target_email,
      exportFile: row.subject_type === 'export' ? exportSummary(row.subject_id, row.detail) : null,
    })),
    olderThan: rows.length > AUDIT_PAGE_SIZE ? Number(shown[shown.length - 1]!.id) : null,
  };
}

/** "donations.csv, 1,204 rows": which file, and how much of it left (the filters stay in the entry's detail). */
function exportSummary(file: string | null, detail: Record<string, unknown>): string {
  const rows = typeof detail.rows === 'number' ? `, ${detail.rows.toLocaleString('en-US')} row${detail.rows === 1 ? '' : 's'}` : '';
  return `${file ?? 'export'}${rows}`;
}
