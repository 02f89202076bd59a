import type { FieldError } from '../lib/errors';
import { parseMajorAmount, toMajorString } from '../lib/money';
import { hasControlCharacters } from '../lib/text';
import type { Level } from '../members/levels';

export const LEVEL_ROWS = 8;

export interface LevelFormRow {
  name: string;
  min: string;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : ''));
  return typeof value === 'string' ? [value] : [];
}

/** The form's rows as typed (repeated `level_name` / `level_min` fields), blank rows dropped. */
export function levelFormRows(body: Record<string, unknown>): LevelFormRow[] {
  const names = asList(body.level_name).slice(0, LEVEL_ROWS);
  const mins = asList(body.level_min).slice(0, LEVEL_ROWS);
  const rows: LevelFormRow[] = [];
  for (let i = 0; i < Math.max(names.length, mins.length); i += 1) {
    const row = { name: (names[i] ?? '').trim(), min: (mins[i] ?? '').trim() };
    if (row.name || row.min) rows.push(row);
  }
  return rows;
}

export function levelsAsRows(levels: readonly Level[]): LevelFormRow[] {
  return levels.map((l) => ({ name: l.name, min: toMajorString(l.min_yearly) }));
}

/**
 * Levels as staff typed them, checked the way the settings schema will hold
 * them: named, unique, starting at 0 (every donor has a level) and rising.
 * "1,000" is accepted: these are staff typing round thresholds.
 */
export function parseLevelRows(rows: LevelFormRow[]): { levels: Level[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const levels: Level[] = [];
  if (rows.length === 0) errors.push({ field: 'level_name_1', message: 'Give at least one level' });
  rows.forEach((row, index) => {
    const n = index + 1;
    const minYearly = parseMajorAmount(row.min.replace(/,(?=\d{3}(?:\D|$))/g, ''));
    if (!row.name) errors.push({ field: `level_name_${n}`, message: `Level ${n}: enter a name` });
    else if (hasControlCharacters(row.name)) errors.push({ field: `level_name_${n}`, message: `Level ${n}: use letters, numbers and punctuation only` });
    else if (row.name.length > 60) errors.push({ field: `level_name_${n}`, message: `Level ${n}: a name is at most 60 characters` });
    else if (levels.some((l) => l.name.toLowerCase() === row.name.toLowerCase())) {
      errors.push({ field: `level_name_${n}`, message: `Level ${n}: "${row.name}" is used twice` });
    }
    if (minYearly === null) {
      errors.push({ field: `level_min_${n}`, message: `Level ${n}: enter a yearly amount, like 120 or 1,000` });
    } else if (index === 0 && minYearly !== 0) {
      errors.push({ field: `level_min_${n}`, message: 'Level 1: the first level starts at 0, so every donor has a level' });
    } else if (index > 0 && levels[index - 1] && minYearly <= levels[index - 1]!.min_yearly) {
      errors.push({ field: `level_min_${n}`, message: `Level ${n}: each level must start above the one before it` });
    }
    levels.push({ name: row.name, min_yearly: minYearly ?? -1 });
  });
  return { levels, errors };
}
