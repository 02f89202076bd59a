import type { Db } from '../db/knex';
import type { Settings } from '../settings/settings';
import { recordAudit } from './audit-queries';
import { loadDonorRecordView, type DonorRecordView } from './donor-detail';

/** A donor's record as a staff member opens it: the page, and an audit entry saying who looked. Null for no such donor. */
export async function openDonorRecord(db: Db, staffId: string, donorId: string, settings: Settings): Promise<DonorRecordView | null> {
  const record = await loadDonorRecordView(db, donorId, settings);
  if (record) await recordAudit(db, { actorId: staffId, action: 'donor.viewed', subjectType: 'donor', subjectId: record.id });
  return record;
}
