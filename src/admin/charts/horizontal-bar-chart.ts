import { MUTED_INK, seriesColour } from './chart-colours';
import { CHAR_WIDTH, FONT_SIZE, svgFrame, VIEW_WIDTH, type ChartText } from './chart-frame';
import { element, shorten, text } from './svg-markup';

export interface HorizontalBar {
  label: string;
  value: number;
}

export interface HorizontalBarChartInput extends ChartText {
  bars: readonly HorizontalBar[];
  format: (value: number) => string;
}

const ROW_HEIGHT = 38;
const BAR_HEIGHT = 14;

/**
 * Ranked bars, one row each: the label on its own line above the bar (long
 * headlines and UTM tags stay readable on a phone), the value after the bar.
 * Bars are drawn to the largest value; the table beside it has the rest.
 */
export function horizontalBarChart(input: HorizontalBarChartInput): string {
  const largest = Math.max(0, ...input.bars.map((b) => b.value));
  const widestValue = Math.max(1, ...input.bars.map((b) => input.format(b.value).length)) * CHAR_WIDTH + 8;
  const barSpace = VIEW_WIDTH - widestValue;
  const rows = input.bars.map((bar, i) => {
    const top = i * ROW_HEIGHT + 4;
    const width = largest > 0 ? (Math.max(0, bar.value) / largest) * barSpace : 0;
    return element(
      'g',
      { class: 'row' },
      text({ x: 0, y: top + FONT_SIZE }, shorten(bar.label, Math.floor(VIEW_WIDTH / CHAR_WIDTH))) +
        element('rect', {
          class: 'bar',
          x: 0,
          y: top + FONT_SIZE + 4,
          width: Math.max(width, bar.value > 0 ? 1 : 0),
          height: BAR_HEIGHT,
          fill: seriesColour(0),
          'data-category': bar.label,
          'data-value': bar.value,
        }) +
        text({ x: width + 6, y: top + FONT_SIZE + 4 + BAR_HEIGHT - 3, fill: MUTED_INK }, input.format(bar.value)),
    );
  });
  return svgFrame(input, Math.max(ROW_HEIGHT, input.bars.length * ROW_HEIGHT + 8), rows.join(''), 'hbar');
}
