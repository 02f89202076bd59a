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
  | 'settings.changed';

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  subjectType?: 'donor' | 'admin_user' | 'settings' | 'receipt';
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
