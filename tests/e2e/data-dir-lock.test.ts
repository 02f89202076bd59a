import path from 'node:path';
import { startApp, type RunningApp } from './run-app';

describe('embedded database folder', () => {
  let first: RunningApp;
  beforeAll(async () => {
    first = await startApp();
  }, 90_000);
  afterAll(async () => {
    await first?.stop();
  });

  it('refuses a second process on the same data folder with a clear message', async () => {
    const shared = path.join(first.dataDir, 'data');
    await expect(startApp({ DATA_DIR: shared })).rejects.toThrow(/app exited with 1[\s\S]*Another Sustain process \(pid \d+\) is already using the embedded database/);
    // The first instance is unharmed.
    const res = await fetch(`${first.baseUrl}/readyz`);
    expect(res.status).toBe(200);
  });
});
