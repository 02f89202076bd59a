/**
 * The charts' colours. Every series colour has at least 4.5:1 contrast with
 * the white plot (WCAG 1.4.11 asks 3:1 for the parts of a graphic one needs
 * to read it), and neighbouring series pair a blue with an orange, which
 * people with the common colour-vision deficiencies still tell apart (Okabe
 * and Ito's palette, darkened for contrast). Stacked segments are also
 * parted by a white line, so no reading depends on colour alone: the legend
 * names them in stacking order and the table beside each chart has the figures.
 */
export const SERIES_COLOURS = ['#1f5fa8', '#b34a00', '#0b6e5f', '#7a3e9d'] as const;

export const INK = '#1d1d1f';
export const MUTED_INK = '#5c5c66';
export const GRID = '#d9d9df';
export const AXIS = '#8a8a94';

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length]!;
}
