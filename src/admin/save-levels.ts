import type { Db } from '../db/knex';
import type { Level } from '../members/levels';
import { writeSetting, type SettingsCache } from '../settings/settings';
import { recordAudit } from './audit-queries';

/**
 * Saves the membership levels (already checked by parseLevelRows) and records
 * the change, before and after, in the audit log. Pages read the new levels
 * at once: the settings cache is dropped once the transaction has committed.
 */
export async function saveLevels(deps: { db: Db; settings: SettingsCache }, actorId: string, levels: Level[]): Promise<void> {
  const before = (await deps.settings.get()).membership_levels;
  await deps.db.transaction(async (trx) => {
    await writeSetting(trx, 'membership_levels', levels);
    await recordAudit(trx, { actorId, action: 'settings.changed', subjectType: 'settings', subjectId: 'membership_levels', detail: { before, after: levels } });
  });
  deps.settings.invalidate();
}
