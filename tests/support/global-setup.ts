import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded';

declare global {
  var __SUSTAIN_EMBEDDED_PG__: EmbeddedPostgres | undefined;
}

/**
 * Tests use the PostgreSQL server named by TEST_DATABASE_URL, or an in-memory
 * embedded one started here (PGlite cannot be loaded inside a test's VM
 * context, so it lives in Jest's parent process). DATABASE_URL is never read,
 * so a test run cannot touch a real database by accident. SUSTAIN_TEST_EMBEDDED
 * says which of the two this run uses (the workers inherit it), so a test can
 * check the run is on the database it claims to be.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    delete process.env.SUSTAIN_TEST_EMBEDDED;
    return;
  }
  const pg = await startEmbeddedPostgres({ dataDir: null, maxConnections: 128 });
  globalThis.__SUSTAIN_EMBEDDED_PG__ = pg;
  process.env.TEST_DATABASE_URL = pg.url;
  process.env.SUSTAIN_TEST_EMBEDDED = '1';
}
