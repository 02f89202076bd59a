/** A whole-number command-line option within bounds; the message names the flag as typed. */
export function boundedInteger(flag: string, raw: string, [min, max]: readonly [number, number]): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${flag} must be an integer in ${min}..${max}`);
  return value;
}
