import { startEmbeddedPostgres } from '../../../src/db/embedded';

/**
 * Child process for embedded-server.ts: PGlite cannot load inside a Jest test's
 * VM context, so a test that needs a wire server with its own limits starts one
 * here. Prints the URL as one JSON line; stops when its stdin closes.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as { maxConnections: number; sessionWaitTimeoutMs?: number };
  const pg = await startEmbeddedPostgres({ dataDir: null, ...options });
  process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void pg.stop().then(() => process.exit(0));
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
