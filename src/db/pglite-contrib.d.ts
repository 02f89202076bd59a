/**
 * PGlite publishes its contrib extensions under `exports` only, which this
 * project's `moduleResolution: node10` does not read; Node itself resolves
 * the import at run time. This points the type checker at the same file.
 */
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  export * from '@electric-sql/pglite/dist/contrib/pg_trgm';
}
