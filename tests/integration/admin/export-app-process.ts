/**
 * The app in a process of its own, for tests that measure it from outside
 * (exports-streaming.test.ts: peak memory while a file streams). Built as the
 * other tests build it (tests/support/app.ts), on the same database and the
 * same worker schema (JEST_WORKER_ID comes from the parent); it says its port
 * over IPC and stops when told.
 */
import type { AddressInfo } from 'node:net';
import { bootTestApp } from '../../support/app';

async function main(): Promise<void> {
  const t = await bootTestApp();
  const server = t.app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (message) => {
    if (message !== 'stop') return;
    server.close();
    void t.close().then(() => process.exit(0));
  });
}

void main();
