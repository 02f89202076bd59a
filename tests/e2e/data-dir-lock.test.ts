import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
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
  }, 90_000);

  it('refuses a busy port with a clear message and leaves no lock behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sustain-busy-'));
    try {
      await expect(startApp({ PORT: String(port), DATA_DIR: dataDir })).rejects.toThrow(
        new RegExp(`Port ${port} is already in use; set PORT to another port`),
      );
      expect(fs.existsSync(path.join(dataDir, 'sustain.lock'))).toBe(false);
    } finally {
      blocker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    // Starting the embedded database and migrating come before the port is tried.
  }, 90_000);
});
