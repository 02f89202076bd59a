/**
 * CSV files staff download: RFC 4180 (fields separated by commas, records by
 * CRLF, a field holding a comma, quote, CR or LF wrapped in double quotes
 * with its quotes doubled), UTF-8. The one CSV writer: small tables are
 * written here cell by cell; the large exports are written by PostgreSQL
 * (`COPY ... TO STDOUT WITH (FORMAT csv)`, the same RFC 4180 output) with
 * their text columns passed through `neutralisedSql`, so both kinds of file
 * neutralise formulas by the same rule.
 */

/** Excel opens a UTF-8 CSV correctly only when it starts with the byte-order mark (`?bom=1`). */
export const UTF8_BOM = '\uFEFF';

/**
 * A cell a spreadsheet would run as a formula: one starting with `=`, `+`,
 * `-` or `@` (or with a tab or carriage return, which some spreadsheets skip
 * before looking for one). OWASP's CSV injection advice: prefix such a cell
 * with a single quote, which the spreadsheet shows as text. Numbers we write
 * ourselves (amounts, counts) are never neutralised: "-12.50" is a refund,
 * not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** The same class of characters as a PostgreSQL regular expression. */
const FORMULA_START_SQL = String.raw`^[=+\-@\t\r]`;

export type CsvValue = string | number | boolean | null | undefined;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: text neutralised then quoted when it must be; numbers as they are; null and undefined empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`A CSV number must be finite, not ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A whole small file: the header, then each row, optionally after the byte-order mark. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvValue[])[], options: { bom?: boolean } = {}): string {
  return (options.bom ? UTF8_BOM : '') + csvRecord(header) + rows.map(csvRecord).join('');
}

/**
 * A SQL text expression neutralised as `neutraliseFormula` does, for files
 * PostgreSQL writes with COPY. `expression` is SQL we wrote (a column name),
 * never user input.
 */
export function neutralisedSql(expression: string): string {
  return `(case when ${expression} ~ '${FORMULA_START_SQL}' then '''' || ${expression} else ${expression} end)`;
}
