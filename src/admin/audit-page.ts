import { z } from 'zod';
import type { Db } from '../db/knex';
import { dateFormatter } from '../lib/date-format';
import type { AuditAction } from './audit-log';

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
  'settings.changed': 'Changed settings',
};

export const auditQuery = z.object({
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

interface AuditRow {
  id: string;
  action: AuditAction;
  subject_type: string | null;
  subject_id: string | null;
  detail: Record<string, unknown>;
  created_at: Date;
  staff_name: string | null;
  staff_email: string | null;
  receipt_number: string | null;
  target_email: string | null;
}

/** The newest entries of the audit log, a page at a time (older pages by `before`, the last id shown). */
export async function auditPage(db: Db, before: number | undefined, timeZone: string) {
  const query = db('audit_log as a')
    .leftJoin('admin_users as u', 'u.id', 'a.admin_user_id')
    .leftJoin('receipts as r', function receiptSubject() {
      this.on(db.raw("a.subject_type = 'receipt'")).andOn(db.raw('r.id::text = a.subject_id'));
    })
    .leftJoin('admin_users as target', function staffSubject() {
      this.on(db.raw("a.subject_type = 'admin_user'")).andOn(db.raw('target.id::text = a.subject_id'));
    })
    .orderBy('a.id', 'desc')
    .limit(AUDIT_PAGE_SIZE + 1)
    .select('a.id', 'a.action', 'a.subject_type', 'a.subject_id', 'a.detail', 'a.created_at', 'u.name as staff_name', 'u.email as staff_email', 'r.number as receipt_number', 'target.email as target_email');
  if (before !== undefined) query.where('a.id', '<', before);
  const rows: AuditRow[] = await query;
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
    })),
    olderThan: rows.length > AUDIT_PAGE_SIZE ? Number(shown[shown.length - 1]!.id) : null,
  };
}
