import { seriesColour } from './chart-colours';
import {
  categoryLabelHeight,
  categoryLabelOverhang,
  categoryLabels,
  FONT_SIZE,
  legend,
  svgFrame,
  valueAxis,
  valueAxisWidth,
  VIEW_WIDTH,
  type ChartText,
  type LabelLayout,
  type Plot,
} from './chart-frame';
import { valueScale } from './chart-scale';
import { element, escapeXml } from './svg-markup';

export interface BarSeries {
  name: string;
  /** One value per category; negative values are drawn as zero (these charts count and add up money given). */
  values: readonly number[];
}

export interface BarChartInput extends ChartText {
  /** Short labels under the bars: "Jun ’25", "$10–$24.99". */
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Stacked: one bar per category, series on top of each other (a total made of parts). Grouped: side by side. */
  layout: 'stacked' | 'grouped';
  /** How a value reads on the axis and in a bar's tooltip. */
  format: (value: number) => string;
  /** Smallest gridline step: 1 for counts, 100 for money in minor units. */
  minStep?: number;
  /** Thin out overlapping labels (months, the default) or slant them all (size bands). */
  labels?: LabelLayout;
  height?: number;
}

const LEGEND_HEIGHT = 24;

/**
 * A vertical bar chart as SVG markup. Each bar is a `<rect class="bar">`
 * carrying its series, category and value as data attributes (for tests and
 * for anyone inspecting it), with a `<title>` tooltip for a pointer.
 */
export function barChart(input: BarChartInput): string {
  const height = input.height ?? 260;
  const values = (series: BarSeries, index: number) => Math.max(0, series.values[index] ?? 0);
  const largest = Math.max(
    0,
    ...input.categories.map((_, i) =>
      input.layout === 'stacked' ? input.series.reduce((sum, s) => sum + values(s, i), 0) : Math.max(0, ...input.series.map((s) => values(s, i))),
    ),
  );
  const scale = valueScale(largest, { minStep: input.minStep });
  const left = valueAxisWidth(scale, input.format);
  const layout = input.labels ?? 'thin';
  const bottom = categoryLabelHeight(input.categories, layout);
  const plot: Plot = { left, top: LEGEND_HEIGHT + 8, width: VIEW_WIDTH - left - categoryLabelOverhang(input.categories, layout), height: height - LEGEND_HEIGHT - 8 - bottom };
  const slot = plot.width / Math.max(1, input.categories.length);
  const y = (value: number) => plot.top + plot.height - (value / scale.max) * plot.height;

  const bars = input.categories.map((category, i) => {
    const barWidth = slot * 0.7;
    const groupedWidth = barWidth / Math.max(1, input.series.length);
    let base = 0;
    return input.series
      .map((series, s) => {
        const value = values(series, i);
        const x = plot.left + slot * i + (slot - barWidth) / 2 + (input.layout === 'grouped' ? s * groupedWidth : 0);
        const from = input.layout === 'stacked' ? base : 0;
        base += value;
        return element(
          'rect',
          {
            class: 'bar',
            x,
            y: y(from + value),
            width: input.layout === 'grouped' ? groupedWidth : barWidth,
            height: y(from) - y(from + value),
            fill: seriesColour(s),
            // The white edge parts stacked segments and neighbouring bars without relying on colour.
            stroke: '#ffffff',
            'stroke-width': value > 0 ? 1 : 0,
            'data-series': series.name,
            'data-category': category,
            'data-value': value,
          },
          element('title', {}, escapeXml(`${category}, ${series.name}: ${input.format(value)}`)),
        );
      })
      .join('');
  });

  const body =
    (input.series.length > 1 ? legend(input.series.map((s) => s.name), FONT_SIZE + 2) : '') +
    valueAxis(scale, plot, input.format) +
    element('g', { class: 'bars' }, bars.join('')) +
    categoryLabels(input.categories, plot, slot, layout);
  return svgFrame(input, height, body, 'bar');
}
