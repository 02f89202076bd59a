import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { launchChromium } from './support';

/**
 * The reader's path through /donate in a real browser, with the page's own
 * script running: what a keyboard does to the amount choice, what a typed
 * amount looks like to the fee preview, and the way back from Checkout.
 */
describe('the donate form in a real browser', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
  }, 90_000);
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  // Expressions as text: they run in the page, and this project compiles without the DOM's types.
  const focusedId = () => page.evaluate<string>("document.activeElement?.id ?? ''");
  const focusedTag = () => page.evaluate<string>("document.activeElement?.tagName + ':' + (document.activeElement?.getAttribute('type') ?? '')");
  const isChecked = (selector: string) => page.isChecked(selector);

  /** Presses Tab until the control with `id` has focus, and answers the ids passed on the way. */
  async function tabTo(id: string): Promise<string[]> {
    const passed: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      await page.keyboard.press('Tab');
      const focused = await focusedId();
      passed.push(focused);
      if (focused === id) return passed;
    }
    throw new Error(`Tab never reached #${id}; passed ${passed.join(', ')}`);
  }

  it('gives a preset amount with the keyboard alone, tabbing through every field and past the Other amount box', async () => {
    await page.goto(`${app.baseUrl}/donate`);
    // The amount group is one tab stop, at its checked radio ($25); the arrow keys move the choice.
    await tabTo('amount-25');
    await page.keyboard.press('ArrowRight');
    expect(await focusedId()).toBe('amount-50');
    expect(await isChecked('#amount-50')).toBe(true);

    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('amount_other');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('cover_fees');
    // Passing through the Other amount box left the preset chosen.
    expect(await isChecked('#amount-50')).toBe(true);
    expect(await isChecked('#amount-other')).toBe(false);

    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('email');
    await page.keyboard.type('keys@example.com');
    await page.keyboard.press('Tab');
    expect(await focusedTag()).toBe('SUMMARY:');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('anonymous');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('tribute_name');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('comment');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Tab');
    expect(await focusedTag()).toBe('BUTTON:submit');
    expect(await isChecked('#amount-50')).toBe(true);

    await page.keyboard.press('Enter');
    await page.waitForURL(/\/checkout\//);
    expect(await page.textContent('.amount')).toContain('$50.00');
    const donation = await db('donations').where({ email: 'keys@example.com' }).first();
    expect(donation).toMatchObject({ status: 'pending', amount: 5000, comment: 'Typed without a mouse' });
  });

  it('takes "1,000" typed as the Other amount, previews its fee, and refills the email after Checkout is cancelled', async () => {
    await page.goto(`${app.baseUrl}/donate`);
    await page.click('#amount_other');
    // Clicking into the box chooses nothing yet; typing does.
    expect(await isChecked('#amount-25')).toBe(true);
    await page.keyboard.type('1,000');
    expect(await isChecked('#amount-other')).toBe(true);
    await page.check('#cover_fees', { force: true });
    // 2.9% + 30c on $1,000: the preview reads the comma as the server does.
    expect(await page.textContent('[data-fee-text]')).toBe('That adds $30.18, for a total of $1,030.18.');
    await page.fill('#email', 'thousand@example.com');

    // A preset picked after typing clears the typed amount (the server takes a typed amount first).
    await page.click('label[for=amount-100]');
    expect(await page.inputValue('#amount_other')).toBe('');
    await page.fill('#amount_other', '1,000');
    expect(await isChecked('#amount-other')).toBe(true);

    await page.click('main button[type=submit]');
    await page.waitForURL(/\/checkout\//);
    expect(await page.textContent('.amount')).toContain('$1,030.18');
    expect(await db('donations').where({ email: 'thousand@example.com' }).first()).toMatchObject({ amount: 103_018, fee_amount: 3018 });

    await page.click('text=Cancel and go back');
    await page.waitForURL(/\/donate\?.*canceled=1/);
    expect(page.url()).not.toContain('thousand');
    expect(await page.inputValue('#email')).toBe('thousand@example.com');
    expect(await page.inputValue('#amount_other')).toBe('1000');
    expect(await isChecked('#amount-other')).toBe(true);
    expect(await page.textContent('[role=status]')).toContain('you were not charged');
  });
});
