/**
 * A value axis from zero to a round number at or above the largest value,
 * with gridlines at steps of 1, 2, 2.5 or 5 times a power of ten, so the
 * labels read as round amounts ($2,500, not $2,417).
 */
export interface ValueScale {
  max: number;
  ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

/**
 * `minStep` keeps steps whole: 1 for counts, 100 minor units (a whole dollar)
 * for money. An empty chart still gets an axis, from 0 to `minStep * count`.
 */
export function valueScale(largest: number, options: { count?: number; minStep?: number } = {}): ValueScale {
  const count = options.count ?? 4;
  const minStep = options.minStep ?? 1;
  const target = Math.max(largest, 0) / count;
  let step = minStep;
  if (target > minStep) {
    const power = 10 ** Math.floor(Math.log10(target));
    step = STEPS.map((s) => s * power).find((s) => s >= target) ?? 10 * power;
    // 2.5 × a power of ten below the smallest step would give fractional ticks (2.5 members).
    if (step % minStep !== 0) step = Math.ceil(step / minStep) * minStep;
  }
  const max = Math.max(step, Math.ceil(Math.max(largest, 0) / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { max, ticks };
}
