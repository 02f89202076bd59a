import { AXIS, GRID, INK, MUTED_INK, seriesColour } from './chart-colours';
import type { ValueScale } from './chart-scale';
import { element, escapeXml, text } from './svg-markup';

/**
 * What every chart shares: the accessible frame (an `<svg role="img">`
 * named by its `<title>` and described by its `<desc>`), the legend, the
 * value axis and the category labels. Sizes are viewBox units: the SVG
 * scales to its container, so one drawing serves a 390 px phone and a
 * desktop (public/report-charts.css caps its width so text stays readable).
 */
export const VIEW_WIDTH = 400;
export const FONT_SIZE = 12;
/** Roughly the width of one character at FONT_SIZE, for fitting labels. */
export const CHAR_WIDTH = 6.6;

export interface ChartText {
  /** Unique on the page: the title and description are referenced by id. */
  id: string;
  title: string;
  /** One or two sentences saying what the chart shows and its main finding; the figures are in the table. */
  description: string;
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The outer `<svg>`, with its title and description first, as screen readers expect. */
export function svgFrame(chart: ChartText, height: number, body: string, kind: string): string {
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${VIEW_WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      class: `chart chart-${kind}`,
      id: chart.id,
      'font-size': FONT_SIZE,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      fill: INK,
    },
    `${element('title', { id: titleId }, escapeXml(chart.title))}${element('desc', { id: descId }, escapeXml(chart.description))}${body}`,
  );
}

/** Swatches and names in one row above the plot; `line` draws a short stroke instead of a square. */
export function legend(names: readonly string[], y: number, options: { line?: boolean } = {}): string {
  let x = 0;
  return names
    .map((name, index) => {
      const colour = seriesColour(index);
      const swatch = options.line
        ? element('line', { x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: colour, 'stroke-width': 3 })
        : element('rect', { x, y: y - 10, width: 12, height: 12, fill: colour });
      const label = text({ x: x + 18, y }, name);
      x += 18 + name.length * CHAR_WIDTH + 16;
      return element('g', { class: 'legend-item' }, swatch + label);
    })
    .join('');
}

/** Horizontal gridlines with their values on the left; zero drawn as the axis line. */
export function valueAxis(scale: ValueScale, plot: Plot, format: (value: number) => string): string {
  return scale.ticks
    .map((tick) => {
      const y = plot.top + plot.height - (tick / scale.max) * plot.height;
      const line = element('line', { x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: tick === 0 ? AXIS : GRID, 'stroke-width': 1 });
      const label = text({ x: plot.left - 6, y: y + 4, 'text-anchor': 'end', fill: MUTED_INK }, format(tick));
      return line + label;
    })
    .join('');
}

/** The widest label `format` gives any tick, for the left margin. */
export function valueAxisWidth(scale: ValueScale, format: (value: number) => string): number {
  return Math.max(...scale.ticks.map((tick) => format(tick).length)) * CHAR_WIDTH + 10;
}

/** How category labels sit under the plot: every n-th when they would overlap (months), or all of them slanted (bands). */
export type LabelLayout = 'thin' | 'slant';

const SLANT_DEGREES = 35;

function widestLabel(categories: readonly string[]): number {
  return Math.max(1, ...categories.map((c) => c.length)) * CHAR_WIDTH;
}

/** Room under the plot for the category labels. */
export function categoryLabelHeight(categories: readonly string[], layout: LabelLayout): number {
  return layout === 'slant' ? Math.ceil(widestLabel(categories) * Math.sin((SLANT_DEGREES * Math.PI) / 180)) + FONT_SIZE + 10 : FONT_SIZE + 14;
}

/** Room right of the plot, so the last label centred on its slot is not cut off. */
export function categoryLabelOverhang(categories: readonly string[], layout: LabelLayout): number {
  return layout === 'slant' ? 4 : Math.ceil(widestLabel(categories.slice(-1)) / 2);
}

/**
 * Category labels under the plot. Thinned: centred on each slot, and when
 * they would overlap only every n-th is shown, counting back from the last
 * (the latest month is the one people look for). Slanted: every label, its
 * end under its slot, for categories that all matter (size bands).
 */
export function categoryLabels(categories: readonly string[], plot: Plot, slot: number, layout: LabelLayout = 'thin'): string {
  const y = plot.top + plot.height + FONT_SIZE + 6;
  if (layout === 'slant') {
    return categories
      .map((category, index) => {
        const x = plot.left + slot * (index + 0.5) + 4;
        return text({ x, y: y - 4, 'text-anchor': 'end', transform: `rotate(-${SLANT_DEGREES} ${x} ${y - 4})`, fill: MUTED_INK }, category);
      })
      .join('');
  }
  const every = Math.max(1, Math.ceil((widestLabel(categories) + 6) / slot));
  const last = categories.length - 1;
  return categories
    .map((category, index) =>
      (last - index) % every === 0 ? text({ x: plot.left + slot * (index + 0.5), y, 'text-anchor': 'middle', fill: MUTED_INK }, category) : '',
    )
    .join('');
}
