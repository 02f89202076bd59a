import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmulatorClock } from '../src/engine/clock';
import { StateFileWriter } from '../src/engine/state-file';
import { EmulatorStore } from '../src/engine/store';
import { startStripeEmulator } from '../src';
import { API_VERSION, WEBHOOK_SECRET, startHarness, type Harness } from './support/harness';
import { advance, becomeMember, delivered } from './support/membership';

describe('Stripe emulator: the state file', () => {
  let dir: string;
  let stateFile: string;
  const running: Harness[] = [];
  const start = async () => {
    const h = await startHarness({ stateFile });
    running.push(h);
    return h;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stripe-emulator-state-'));
    stateFile = path.join(dir, 'data', 'stripe-emulator.json');
  });
  afterEach(async () => {
    for (const h of running.splice(0)) await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('carries a membership across a restart: retrievable, updatable, and renewed by the next advance', async () => {
    const first = await start();
    const { subscription, customerId } = await becomeMember(first);
    const { now: advancedTo } = await advance(first, 3);
    await first.close();
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['stripe-emulator.json']);

    const second = await start();
    const restored = await second.stripe.subscriptions.retrieve(subscription.id);
    expect(restored).toMatchObject({ id: subscription.id, customer: customerId, status: 'active' });
    expect(restored.items.data[0]!.current_period_end).toBe(subscription.items.data[0]!.current_period_end);
    expect((await second.stripe.customers.retrieve(customerId)).id).toBe(customerId);

    const updated = await second.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(updated.cancel_at_period_end).toBe(true);
    await second.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });

    // The clock carries on from the advance made before the restart.
    const health = (await (await fetch(`${second.emulator.url}/_emulator/health`)).json()) as { now: number };
    expect(health.now).toBeGreaterThanOrEqual(advancedTo);

    const report = await advance(second, 31);
    expect(report.renewed.map((r) => r.subscription)).toEqual([subscription.id]);
    const paid = delivered(second, 'invoice.paid').map((event) => event.data.object.parent.subscription_details.subscription);
    expect(paid).toEqual([subscription.id]);
    // The customer's invoice numbering carries on too: the renewal is its second invoice.
    const invoice = await second.stripe.invoices.retrieve(report.renewed[0]!.invoice);
    expect(invoice.number).toMatch(/-0002$/);
  });

  it('keeps the billing portal configuration and the events list', async () => {
    const first = await start();
    const customer = await first.stripe.customers.create({ email: 'reader@example.org' });
    const portal = await first.stripe.billingPortal.sessions.create({ customer: customer.id });
    const events = await first.stripe.events.list({ limit: 100 });
    await first.close();

    const second = await start();
    expect((await second.stripe.events.list({ limit: 100 })).data.map((e) => e.id)).toEqual(events.data.map((e) => e.id));
    const again = await second.stripe.billingPortal.sessions.create({ customer: customer.id });
    expect(again.configuration).toBe(portal.configuration);
  });

  it('refuses to start on a file it cannot read, rather than forget every object', async () => {
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    const options = { port: 0, webhookUrl: null, webhookSecret: WEBHOOK_SECRET, apiVersion: API_VERSION, stateFile };
    fs.writeFileSync(stateFile, '{"format": 99}');
    await expect(startStripeEmulator(options)).rejects.toThrow(/not a Stripe emulator state file this version can read \(format 99\); move it away/);
    fs.writeFileSync(stateFile, '{"format": 1, "maps":');
    await expect(startStripeEmulator(options)).rejects.toThrow(/move it away/);
  });

  it('writes a burst of changes once, after it goes quiet, through a temp file renamed into place', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const rename = jest.spyOn(fs.promises, 'rename');
    try {
      const store = new EmulatorStore();
      const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      const writer = new StateFileWriter({ file: stateFile, store, clock: new EmulatorClock(), apiVersion: API_VERSION, logger, quietMs: 500 });
      for (let i = 0; i < 20; i += 1) {
        writer.changed();
        jest.advanceTimersByTime(100);
      }
      expect(rename).not.toHaveBeenCalled();
      jest.advanceTimersByTime(500);
      await writer.close();
      expect(rename).toHaveBeenCalledTimes(1);
      expect(rename).toHaveBeenCalledWith(`${stateFile}.${process.pid}.tmp`, stateFile);
      expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toMatchObject({ format: 1, apiVersion: API_VERSION });
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      rename.mockRestore();
      jest.useRealTimers();
    }
  });

  it('writes at the latest maxDelayMs after the first change under constant load', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const realRename = fs.promises.rename.bind(fs.promises);
    let renamed!: () => void;
    const firstWrite = new Promise<void>((resolve) => (renamed = resolve));
    const rename = jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      await realRename(from, to);
      renamed();
    });
    try {
      const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
      const writer = new StateFileWriter({
        file: stateFile,
        store: new EmulatorStore(),
        clock: new EmulatorClock(),
        apiVersion: API_VERSION,
        logger,
        quietMs: 500,
        maxDelayMs: 2_000,
      });
      for (let i = 0; i < 25; i += 1) {
        writer.changed();
        jest.advanceTimersByTime(100);
      }
      // The write started at 2 s, without a quiet moment or a flush; it runs on real file I/O.
      await firstWrite;
      expect(rename).toHaveBeenCalledTimes(1);
      await writer.close();
    } finally {
      rename.mockRestore();
      jest.useRealTimers();
    }
  });
});
