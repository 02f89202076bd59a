import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { neutralisedSql } from '../../lib/csv';
import { majorUnitsSql } from '../../lib/money';
import { hasControlCharacters } from '../../lib/text';

/**
 * SQL pieces the export queries share. PostgreSQL writes the file
 * (`COPY (select ...) TO STDOUT WITH (FORMAT csv, HEADER)`), so every cell is
 * shaped here, in the select list: text a person typed is neutralised against
 * formulas, money is in major units, instants are dates in the organisation's
 * zone.
 */

/**
 * The query as one SQL text with every binding inlined, for COPY, which takes
 * no bind parameters. Each value is escaped by knex's PostgreSQL escaping
 * (quotes and backslashes doubled, `E'...'` when a backslash is present), never
 * concatenated; a filter value cannot end its string literal. Dates are passed
 * as ISO 8601 with their `Z`: knex would write them in no zone, which the
 * session's TimeZone would then misread.
 */
export function inlinedSql(db: Db, query: Knex.QueryBuilder | Knex.Raw): string {
  const { sql, bindings } = query.toSQL();
  const values = bindings.map((value) => {
    // knex writes an array as a PostgreSQL array literal, and misreads a control
    // character inside one (a tab comes back as "t"): arrays are for our own sets.
    if (Array.isArray(value) && value.some((item) => typeof item === 'string' && hasControlCharacters(item))) {
      throw new RangeError('An array inlined into SQL must not hold control characters');
    }
    return value instanceof Date ? value.toISOString() : value;
  });
  return db.raw(sql, values as readonly Knex.Value[]).toQuery();
}

/** `copy (select) to stdout` as CSV with a header row: RFC 4180 (quotes doubled, fields with commas, quotes or line breaks quoted). */
export function copyCsvSql(select: string): string {
  return `copy (${select}) to stdout with (format csv, header)`;
}

/** A text column a person typed (or Stripe passed on from one), as `alias`, neutralised against spreadsheet formulas. */
export function textColumn(db: Db, expression: string, alias: string): Knex.Raw {
  return db.raw(`${neutralisedSql(expression)} as ??`, [alias]);
}

/** An amount in minor units, as `alias`, in major units ("25.00"); `bindings` fill the expression's placeholders. */
export function moneyColumn(db: Db, expression: string, alias: string, bindings: readonly Knex.Value[] = []): Knex.Raw {
  return db.raw(`${majorUnitsSql(expression)} as ??`, [...bindings, alias]);
}

/** An instant, as `alias`, as its calendar date (YYYY-MM-DD) in `timezone`. */
export function dateColumn(db: Db, expression: string, timezone: string, alias: string): Knex.Raw {
  return db.raw(`to_char((${expression}) at time zone ?, 'YYYY-MM-DD') as ??`, [timezone, alias]);
}

/** A boolean, as `alias`, written yes/no as lib/csv.ts writes booleans. */
export function yesNoColumn(db: Db, expression: string, alias: string, bindings: readonly Knex.Value[] = []): Knex.Raw {
  return db.raw(`case when ${expression} then 'yes' else 'no' end as ??`, [...bindings, alias]);
}

/** The address fields Stripe keeps (`donors.address` holds Stripe's address object), each its own column. */
export const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;

export function addressColumns(db: Db, column: string): Knex.Raw[] {
  return ADDRESS_FIELDS.map((field) => textColumn(db, `${column}->>'${field}'`, field === 'line1' || field === 'line2' ? `address_${field}` : field));
}
