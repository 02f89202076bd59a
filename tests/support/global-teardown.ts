export default async function globalTeardown(): Promise<void> {
  await globalThis.__SUSTAIN_EMBEDDED_PG__?.stop();
}
