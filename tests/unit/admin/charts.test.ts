import { barChart } from '../../../src/admin/charts/bar-chart';
import { valueScale } from '../../../src/admin/charts/chart-scale';
import { horizontalBarChart } from '../../../src/admin/charts/horizontal-bar-chart';
import { lineChart } from '../../../src/admin/charts/line-chart';
import { addMonths, isCalendarMonth, monthsEnding } from '../../../src/admin/report-months';

const text = { id: 'c', title: 'A <title> & more', description: 'What it shows' };

describe('valueScale', () => {
  it('runs from zero to a round number at or above the largest value', () => {
    expect(valueScale(9500, { minStep: 100 })).toEqual({ max: 10_000, ticks: [0, 2500, 5000, 7500, 10_000] });
    expect(valueScale(142_000, { minStep: 100 })).toEqual({ max: 150_000, ticks: [0, 50_000, 100_000, 150_000] });
    expect(valueScale(7)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
  });

  it('keeps whole steps for counts and draws an axis for an empty chart', () => {
    expect(valueScale(3).ticks.every(Number.isInteger)).toBe(true);
    expect(valueScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(valueScale(0, { minStep: 100 })).toEqual({ max: 100, ticks: [0, 100] });
  });
});

describe('barChart', () => {
  const chart = (layout: 'stacked' | 'grouped') =>
    barChart({
      ...text,
      categories: ['Jan', 'Feb'],
      series: [
        { name: 'One-time', values: [300, 0] },
        { name: 'Recurring', values: [100, 200] },
      ],
      layout,
      format: String,
    });
  const bars = (svg: string) => [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));

  it('is an image named by its title and described by its description, escaped', () => {
    const svg = chart('stacked');
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 400 \d+" role="img" aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">A &lt;title&gt; &amp; more</title><desc id="c-desc">What it shows</desc>');
  });

  it('stacks a category’s series on one bar, in proportion', () => {
    const [once, recurring] = bars(chart('stacked'));
    expect(once![0]).toBe(recurring![0]);
    expect(once![3]).toBeCloseTo(recurring![3]! * 3, 0);
    // The second segment sits on top of the first.
    expect(recurring![1]! + recurring![3]!).toBeCloseTo(once![1]!, 0);
  });

  it('sets a category’s series side by side when grouped', () => {
    const [once, recurring] = bars(chart('grouped'));
    expect(recurring![0]).toBeGreaterThan(once![0]!);
    expect(once![3]).toBeCloseTo(recurring![3]! * 3, 0);
  });

  it('shows every n-th month label, counting back from the last, when they would overlap', () => {
    const months = Array.from({ length: 24 }, (_, i) => `M${String(i).padStart(5, '0')}`);
    const svg = barChart({ ...text, categories: months, series: [{ name: 'x', values: months.map(() => 1) }], layout: 'stacked', format: String });
    const labels = [...svg.matchAll(/<text [^>]*text-anchor="middle"[^>]*>(M\d+)<\/text>/g)].map((m) => m[1]);
    expect(labels.at(-1)).toBe('M00023');
    expect(labels.length).toBeLessThan(24);
    expect(labels.length).toBeGreaterThan(4);
  });
});

describe('lineChart and horizontalBarChart', () => {
  it('breaks a line where a value is missing, and marks each point', () => {
    const svg = lineChart({ ...text, categories: ['a', 'b', 'c', 'd'], series: [{ name: 'n', values: [1, 2, null, 4] }], format: String });
    expect(/ d="([^"]+)"/.exec(svg)![1]!.match(/M/g)).toHaveLength(2);
    expect(svg.match(/<circle class="point"/g)).toHaveLength(3);
  });

  it('escapes labels that came from readers’ links and cuts long ones', () => {
    const svg = horizontalBarChart({ ...text, bars: [{ label: `<script>"x"</script>${'y'.repeat(200)}`, value: 10 }], format: String });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&quot;x&quot;&lt;/script&gt;');
    expect(svg).toContain('…</text>');
  });
});

describe('report months', () => {
  it('counts calendar months across years', () => {
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(addMonths('2025-11', 14)).toBe('2027-01');
    expect(monthsEnding('2025-02', 3)).toEqual(['2024-12', '2025-01', '2025-02']);
    expect(['2025-00', '2025-13', '1899-12', '2025-1'].map(isCalendarMonth)).toEqual([false, false, false, false]);
  });
});
