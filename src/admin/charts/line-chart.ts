import { seriesColour } from './chart-colours';
import { categoryLabelHeight, categoryLabelOverhang, categoryLabels, FONT_SIZE, legend, svgFrame, valueAxis, valueAxisWidth, VIEW_WIDTH, type ChartText, type Plot } from './chart-frame';
import { valueScale } from './chart-scale';
import { element, escapeXml, round } from './svg-markup';

export interface LineSeries {
  name: string;
  /** One value per category; null where there is none (the line breaks there). */
  values: readonly (number | null)[];
}

export interface LineChartInput extends ChartText {
  categories: readonly string[];
  series: readonly LineSeries[];
  format: (value: number) => string;
  minStep?: number;
  height?: number;
}

const LEGEND_HEIGHT = 24;

/**
 * A line chart as SVG markup: one `<path class="line">` per series and a
 * marker on each point (`<circle class="point">` with its value as data and
 * a tooltip), so a single point still shows and each month can be read off.
 */
export function lineChart(input: LineChartInput): string {
  const height = input.height ?? 240;
  const largest = Math.max(0, ...input.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const scale = valueScale(largest, { minStep: input.minStep });
  const left = valueAxisWidth(scale, input.format);
  const top = input.series.length > 1 ? LEGEND_HEIGHT + 8 : 12;
  const plot: Plot = { left, top, width: VIEW_WIDTH - left - categoryLabelOverhang(input.categories, 'thin'), height: height - top - categoryLabelHeight(input.categories, 'thin') };
  const slot = plot.width / Math.max(1, input.categories.length);
  const x = (index: number) => plot.left + slot * (index + 0.5);
  const y = (value: number) => plot.top + plot.height - (Math.max(0, value) / scale.max) * plot.height;

  const lines = input.series.map((series, s) => {
    const colour = seriesColour(s);
    let path = '';
    let drawing = false;
    const points: string[] = [];
    series.values.forEach((value, i) => {
      if (value === null) {
        drawing = false;
        return;
      }
      path += `${drawing ? 'L' : 'M'}${round(x(i))} ${round(y(value))}`;
      drawing = true;
      points.push(
        element(
          'circle',
          { class: 'point', cx: x(i), cy: y(value), r: 2.5, fill: colour, 'data-series': series.name, 'data-category': input.categories[i], 'data-value': value },
          element('title', {}, escapeXml(`${input.categories[i]}, ${series.name}: ${input.format(value)}`)),
        ),
      );
    });
    const line = path ? element('path', { class: 'line', d: path, fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-linejoin': 'round' }) : '';
    return element('g', { 'data-series': series.name }, line + points.join(''));
  });

  const body =
    (input.series.length > 1 ? legend(input.series.map((s) => s.name), FONT_SIZE + 2, { line: true }) : '') +
    valueAxis(scale, plot, input.format) +
    lines.join('') +
    categoryLabels(input.categories, plot, slot);
  return svgFrame(input, height, body, 'line');
}
