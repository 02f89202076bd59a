/** How often a reader gives: the `frequency` form field (a public contract) and every setting that picks one. */
export const FREQUENCIES = ['once', 'monthly', 'annual'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
