/**
 * CSV files staff download: RFC 4180 (fields separated by commas, records by
 * CRLF, a field holding a comma, quote, CR or LF wrapped in double quotes
 * with its quotes doubled), UTF-8. The one CSV writer: small tables are
 * written here cell by cell; the large exports are written by PostgreSQL
 * (`COPY ... TO STDOUT WITH (FORMAT csv)`, the same quoting) with their text
 * columns passed through `neutralisedSql`, so both kinds of file neutralise
 * formulas by the same rule, and through `copiedCsv`, which ends their
 * records in CRLF as here (PostgreSQL ends them in LF).
 */
import { Transform } from 'node:stream';

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

/**
 * An amount of money in a cell: minor units written in major units with two
 * decimals ("25.00", "-12.50"), as the exports' `majorUnitsSql` writes them,
 * so every file staff download spells money one way. Never neutralised: it
 * is a number we wrote, not text someone typed.
 */
export class CsvAmount {
  constructor(readonly minor: number) {
    if (!Number.isSafeInteger(minor)) throw new RangeError(`An amount must be a whole number of minor units, not ${minor}`);
  }

  toString(): string {
    const sign = this.minor < 0 ? '-' : '';
    const cents = Math.abs(this.minor);
    return `${sign}${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }
}

export function csvAmount(minor: number | string): CsvAmount {
  return new CsvAmount(Number(minor));
}

export type CsvValue = string | number | boolean | null | undefined | CsvAmount;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: text neutralised then quoted when it must be; numbers as they are; null and undefined empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof CsvAmount) return value.toString();
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
  // Parenthesised: `'''' || d.address->>'city'` would otherwise apply ->> to the concatenation.
  const value = `(${expression})`;
  return `(case when ${value} ~ '${FORMULA_START_SQL}' then '''' || ${value} else ${value} end)`;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/**
 * The bytes of a CSV file PostgreSQL wrote, as this module writes one: each
 * record ended in CRLF instead of LF (RFC 4180), optionally after the
 * byte-order mark. A line feed inside a quoted field is the field's own text
 * and stays as it is; PostgreSQL quotes every field holding one, so a line
 * feed outside quotes always ends a record. Whether the scan is inside quotes
 * carries over from chunk to chunk (a doubled quote toggles twice). Nothing is
 * sent before the first chunk, so an error before any row can still be a
 * proper error response.
 */
export function copiedCsv(options: { bom?: boolean } = {}): Transform {
  let inQuotes = false;
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (first) {
        first = false;
        if (options.bom) this.push(UTF8_BOM);
      }
      const parts: Buffer[] = [];
      let start = 0;
      // The next quote and line feed, each found once and moved past as the scan goes: most of a file is neither.
      let quote = chunk.indexOf(QUOTE);
      let lf = chunk.indexOf(LF);
      while (quote >= 0 || (lf >= 0 && !inQuotes)) {
        if (!inQuotes && lf >= 0 && (quote < 0 || lf < quote)) {
          parts.push(chunk.subarray(start, lf), CRLF);
          start = lf + 1;
          lf = chunk.indexOf(LF, start);
        } else {
          inQuotes = !inQuotes;
          const after = quote + 1;
          quote = chunk.indexOf(QUOTE, after);
          if (lf >= 0 && lf < after) lf = chunk.indexOf(LF, after);
        }
      }
      parts.push(chunk.subarray(start));
      done(null, parts.length === 1 ? chunk : Buffer.concat(parts));
    },
  });
}
