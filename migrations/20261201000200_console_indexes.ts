import type { Knex } from 'knex';

/**
 * Indexes for the staff console's donors list and dashboard at 200,000 donors
 * (docs/PERFORMANCE.md, "Staff console at scale"): each page reads the 50 rows
 * it shows instead of sorting every donor.
 *
 * Search matches any part of a name or an email (`ilike '%smith%'`), which a
 * b-tree cannot serve; pg_trgm's GIN indexes can. PostgreSQL ships pg_trgm in
 * contrib and lets a database owner create it (a trusted extension); the
 * embedded PGlite loads it (src/db/embedded.ts). Where it is not available or
 * may not be created, these two indexes are skipped and search scans the
 * donors as before: slower, same answers.
 */
export async function up(knex: Knex): Promise<void> {
  // The default list: most recent gift first (every donor has a donor_totals row since 20261201000000).
  await knex.raw('drop index donor_totals_last_gift_at_index');
  await knex.raw('create index donor_totals_recent on donor_totals (last_gift_at desc nulls last, donor_id)');
  // Sorted by name.
  await knex.raw('create index donors_sort_name on donors (lower(coalesce(name, email)), id)');
  // The dashboard's memberships needing attention: the latest to fall behind, without joining every donor.
  await knex.raw(`create index memberships_arrears_status_at on memberships (status_at desc) where status in ('past_due', 'unpaid')`);
  // The dashboard's top sources: the 30 days' gifts with an article or a campaign, not all of them. Without
  // statistics on the expression PostgreSQL takes every gift to have a source and prefers donations_given_paid_at
  // (at 1,000,000 donations: 290 ms reading 21,000 pages instead of 10 ms).
  await knex.raw(`
    create index donations_attributed_paid_at on donations (paid_at)
      where status in ('succeeded', 'partially_refunded') and coalesce(article_title, article_url, campaign) is not null`);
  await knex.raw('create statistics donations_source on (coalesce(article_title, article_url, campaign)) from donations');
  await knex.raw('analyze donations');

  const trigrams = await trigramOperatorClass(knex);
  if (trigrams) {
    await knex.raw(`create index donors_email_trigrams on donors using gin (email ${trigrams})`);
    await knex.raw(`create index donors_name_trigrams on donors using gin (name ${trigrams})`);
  }
}

/** insufficient_privilege, invalid_schema_name (no `public`): the extension cannot be created here. */
const NOT_HERE = new Set(['42501', '3F000']);

/**
 * pg_trgm's operator class, qualified by the schema the extension lives in (the
 * app's own schema may not be on the search path of whoever installed it), or
 * null when the extension is unavailable or may not be created here.
 */
async function trigramOperatorClass(knex: Knex): Promise<string | null> {
  const available = await knex.raw("select 1 from pg_available_extensions where name = 'pg_trgm'");
  if (available.rows.length === 0) return null;
  try {
    // In a savepoint: a refused CREATE EXTENSION must not abort the migration's transaction. In `public`, not
    // the first schema on the search path: that can be one of several (tests give each worker its own).
    await knex.transaction((savepoint) => savepoint.raw('create extension if not exists pg_trgm with schema public'));
  } catch (error) {
    if (NOT_HERE.has((error as { code?: string }).code ?? '')) return null;
    throw error;
  }
  const { rows } = await knex.raw(
    "select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'",
  );
  return `"${String(rows[0].schema).replace(/"/g, '""')}".gin_trgm_ops`;
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists donors_name_trigrams');
  await knex.raw('drop index if exists donors_email_trigrams');
  await knex.raw('drop statistics donations_source');
  await knex.raw('drop index donations_attributed_paid_at');
  await knex.raw('drop index memberships_arrears_status_at');
  await knex.raw('drop index donors_sort_name');
  await knex.raw('drop index donor_totals_recent');
  await knex.raw('create index donor_totals_last_gift_at_index on donor_totals (last_gift_at)');
  // pg_trgm stays: other databases' objects may use it, and it costs nothing unused.
}
