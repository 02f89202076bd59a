import type { Db } from '../db/knex';

/** Every stored setting, by key; values are JSON, validated by the caller (settings.ts). */
export async function selectSettingRows(db: Db): Promise<Record<string, unknown>> {
  const rows: { key: string; value: unknown }[] = await db('settings').select('key', 'value');
  const raw: Record<string, unknown> = {};
  for (const row of rows) raw[row.key] = row.value;
  return raw;
}

export async function upsertSettingRow(db: Db, key: string, value: unknown): Promise<void> {
  await db('settings')
    .insert({ key, value: JSON.stringify(value), updated_at: db.fn.now() })
    .onConflict('key')
    .merge(['value', 'updated_at']);
}
