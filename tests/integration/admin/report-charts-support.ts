import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';

/**
 * Reading the chart reports as a person or a spreadsheet would: a table row's
 * figures by column, a chart's bars, a downloaded CSV file.
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&');
}

/** The figures of the row `<tr data-{attribute}="{key}">`, by `data-col`. */
export function tableRow(html: string, attribute: string, key: string): Record<string, string> {
  const found = new RegExp(`<tr data-${attribute}="${escapeRegExp(key)}">([\\s\\S]*?)</tr>`).exec(html);
  if (!found) throw new Error(`no row with data-${attribute}="${key}"`);
  return Object.fromEntries([...found[1]!.matchAll(/data-col="(\w+)">([^<]*)</g)].map((m) => [m[1]!, m[2]!]));
}

/** The bars of the chart with this id: series, category and value of each `<rect class="bar">`. */
export function chartBars(html: string, chartId: string): { series: string | null; category: string; value: number; height: number }[] {
  const svg = new RegExp(`<svg[^>]* id="${chartId}"[\\s\\S]*?</svg>`).exec(html)?.[0];
  if (!svg) throw new Error(`no chart ${chartId}`);
  return [...svg.matchAll(/<rect class="bar"([^>]*)>/g)].map((m) => {
    const attr = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? null;
    return { series: attr('data-series'), category: attr('data-category')!, value: Number(attr('data-value')), height: Number(attr('height')) };
  });
}

/** A CSV answer parsed as a spreadsheet reads it: the header row, then each record as strings. */
export function csvRows(res: Response): string[][] {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=[a-z0-9-]+\.csv$/);
  return parse(res.text, { relax_column_count: false });
}
