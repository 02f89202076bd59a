import { takeReceiptSequence } from '../../../src/receipts/receipt-queries';
import { bootTestApp, type TestApp } from '../../support/app';

describe('receipt sequence per year', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  it('counts from 1 in each year, separately', async () => {
    expect(await takeReceiptSequence(t.db, 2026)).toBe(1);
    expect(await takeReceiptSequence(t.db, 2026)).toBe(2);
    expect(await takeReceiptSequence(t.db, 2027)).toBe(1);
    expect(await takeReceiptSequence(t.db, 2026)).toBe(3);
  });

  it('hands the number of a rolled-back transaction to the next one, leaving no gap', async () => {
    await expect(
      t.db.transaction(async (trx) => {
        expect(await takeReceiptSequence(trx, 2026)).toBe(1);
        throw new Error('the webhook failed after numbering');
      }),
    ).rejects.toThrow('the webhook failed after numbering');
    expect(await t.db.transaction((trx) => takeReceiptSequence(trx, 2026))).toBe(1);
  });

  it('makes a concurrent transaction wait for the first to end, then gives it the next number', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstTook!: () => void;
    const taken = new Promise<void>((resolve) => {
      firstTook = resolve;
    });
    const first = t.db.transaction(async (trx) => {
      const n = await takeReceiptSequence(trx, 2026);
      firstTook();
      await held;
      return n;
    });
    await taken;
    const second = t.db.transaction((trx) => takeReceiptSequence(trx, 2026));
    let secondDone = false;
    void second.then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondDone).toBe(false);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
  });
});
