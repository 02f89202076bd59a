import type { Db } from '../db/knex';
import type { Settings } from '../settings/settings';
import { yearlyGiving, type YearlyGiving } from './level-queries';

export interface Level {
  name: string;
  min_yearly: number;
}

/** The highest level whose yearly minimum `yearly` reaches (levels are sorted, the first starts at 0). */
export function levelFor(yearly: number, levels: readonly Level[]): Level {
  let reached = levels[0]!;
  for (const level of levels) if (yearly >= level.min_yearly) reached = level;
  return reached;
}

export async function donorLevel(db: Db, donorId: string, settings: Settings) {
  const giving = await yearlyGiving(db, donorId, settings.giving.currency);
  return { giving, level: levelFor(giving.yearly, settings.membership_levels) };
}

/**
 * What a level was reached on: the yearly amount of committed memberships when
 * that is more than the gifts of the last 12 months, else the gifts. Pages say
 * which, so a commitment is never read as money already given.
 */
export function levelBasis(giving: YearlyGiving): 'commitment' | 'gifts' {
  return giving.committed > giving.given ? 'commitment' : 'gifts';
}

/** The yearly-giving range of the level named `name`: [min, next level's min). */
export function levelRange(name: string, levels: readonly Level[]): { min: number; below: number | null } | null {
  const index = levels.findIndex((l) => l.name === name);
  if (index < 0) return null;
  return { min: levels[index]!.min_yearly, below: levels[index + 1]?.min_yearly ?? null };
}
