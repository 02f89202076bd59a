import type { Db } from '../db/knex';

/**
 * What staff did, for the organisation's own accountability (who opened which
 * donor's record, who changed settings). Append-only: nothing here updates or
 * deletes a row. Personal data stays in the rows it belongs to; entries point
 * at them by id.
 */
export type AuditAction =
  | 'staff.signed_in'
  | 'staff.sign_in_failed'
  | 'staff.signed_out'
  | 'staff.created'
  | 'staff.disabled'
  | 'staff.enabled'
  | 'staff.password_changed'
  | 'donor.viewed'
  | 'receipt.downloaded'
  | 'report.exported'
  | 'settings.changed'
  | 'export.downloaded'
  | 'export.aborted';

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  subjectType?: 'donor' | 'admin_user' | 'settings' | 'receipt' | 'export';
  subjectId?: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    admin_user_id: entry.actorId,
    action: entry.action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  });
}

export interface AuditRow {
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

/** The newest `limit` entries with the staff, receipt and staff account they name; older ones by `before`, an entry id. */
export async function listAuditEntries(db: Db, before: number | undefined, limit: number): Promise<AuditRow[]> {
  const query = db('audit_log as a')
    .leftJoin('admin_users as u', 'u.id', 'a.admin_user_id')
    .leftJoin('receipts as r', function receiptSubject() {
      this.on(db.raw("a.subject_type = 'receipt'")).andOn(db.raw('r.id::text = a.subject_id'));
    })
    .leftJoin('admin_users as target', function staffSubject() {
      this.on(db.raw("a.subject_type = 'admin_user'")).andOn(db.raw('target.id::text = a.subject_id'));
    })
    .orderBy('a.id', 'desc')
    .limit(limit)
    .select('a.id', 'a.action', 'a.subject_type', 'a.subject_id', 'a.detail', 'a.created_at', 'u.name as staff_name', 'u.email as staff_email', 'r.number as receipt_number', 'target.email as target_email');
  if (before !== undefined) query.where('a.id', '<', before);
  return query;
}
