import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { createFirstStaff, launchChromium, payWithTestCard } from './support';

/**
 * Every form a person submits, in a real browser: what the browser itself adds
 * (Origin, Sec-Fetch-Site, SameSite cookies, the CSP's form-action) is exactly
 * what HTTP-level tests cannot show.
 */
describe('forms in a real browser, on npm start', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  async function until<T>(read: () => Promise<T>, what: string): Promise<NonNullable<T>> {
    for (let i = 0; i < 100; i += 1) {
      const value = await read();
      if (value) return value as NonNullable<T>;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('gives $25 through the donate form and the hosted checkout page, and lands on the thank-you page', async () => {
    await page.goto(`${app.baseUrl}/donate`);
    await page.check('#amount-25', { force: true });
    await page.fill('#email', 'reader@example.com');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/checkout\//);
    await payWithTestCard(page, 'Ada Reader');
    await page.waitForURL(/\/donate\/thanks/);
    expect(await page.textContent('h1')).toMatch(/Thank you/);
    await until(() => db('donations').where({ status: 'succeeded' }).first(), 'the paid donation');
  });

  it('signs the donor in to their account with the emailed link', async () => {
    await page.goto(`${app.baseUrl}/account`);
    await page.fill('#email', 'reader@example.com');
    await page.click('main button[type=submit]');
    expect(await page.textContent('h1')).toBe('Check your email');
    const mail = await until(
      () => db('dev_mailbox').where({ to_address: 'reader@example.com' }).where('subject', 'like', 'Your sign-in link%').first(),
      'the sign-in email',
    );
    await page.goto(/(http:\/\/\S+\/account\/verify\?token=\S+)/.exec(mail.text)![1]!);
    await page.click('main button[type=submit]');
    await page.waitForURL(`${app.baseUrl}/account`);
    expect(await page.textContent('h1')).toBe('Your giving');
    expect(await page.content()).toContain('$25.00');
  });

  it('creates the first staff account from the setup link and finds the donor at their level', async () => {
    await createFirstStaff(page, app);
    expect(await page.textContent('[data-figure=gifts]')).toBe('1');

    await page.goto(`${app.baseUrl}/admin/donors?q=reader`);
    await page.click('text=Ada Reader');
    expect(await page.textContent('strong[data-level]')).toBe('Supporter');

    await page.goto(`${app.baseUrl}/admin/settings/levels`);
    await page.fill('#level_min_2', '20');
    await page.click('text=Save levels');
    expect(await page.textContent('[role=status]')).toContain('Levels saved');

    await page.click('text=Sign out');
    await page.waitForURL(`${app.baseUrl}/admin/sign-in`);
    await page.goto(`${app.baseUrl}/admin/donors`);
    expect(page.url()).toContain('/admin/sign-in?next=');
  });

  it('lets a member change their amount (refusing one out of range next to the field), cancel, keep it, and reach the billing portal', async () => {
    const member = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await member.goto(`${app.baseUrl}/donate`);
      await member.click('label[for=frequency-monthly]');
      await member.click('label[for=amount-25]');
      await member.fill('#email', 'member@example.com');
      await member.click('main button[type=submit]');
      await member.waitForURL(/\/checkout\//);
      await payWithTestCard(member, 'Grace Member');
      await member.waitForURL(/\/donate\/thanks/);
      const membership = await until(() => db('memberships').where({ status: 'active' }).first(), 'the active membership');

      await member.goto(`${app.baseUrl}/account`);
      await member.fill('#email', 'member@example.com');
      await member.click('main button[type=submit]');
      const mail = await until(
        () => db('dev_mailbox').where({ to_address: 'member@example.com' }).where('subject', 'like', 'Your sign-in link%').first(),
        'the member\'s sign-in email',
      );
      await member.goto(/(http:\/\/\S+\/account\/verify\?token=\S+)/.exec(mail.text)![1]!);
      await member.click('main button[type=submit]');
      await member.waitForURL(`${app.baseUrl}/account`);

      const amount = `#amount-${membership.id}`;
      await member.fill(amount, '0.50');
      const refused = member.waitForResponse((r) => r.url().endsWith('/amount'));
      await member.click('text=Change amount');
      expect((await refused).status()).toBe(422);
      expect(await member.textContent(`#amount-${membership.id}-error`)).toContain('Enter an amount between');
      expect(await member.getAttribute(amount, 'aria-describedby')).toBe(`amount-${membership.id}-error`);
      expect(await member.inputValue(amount)).toBe('0.50');
      expect(await member.$eval(":focus", (element) => element.id)).toBe(`amount-${membership.id}`);

      await member.fill(amount, '30');
      await member.click('text=Change amount');
      await member.waitForURL(`${app.baseUrl}/account?changed=amount`);
      expect(await member.textContent('[role=status]')).toContain('Your new amount starts with your next payment');
      expect(await member.content()).toContain('Membership: $30.00 a month');

      await member.click('summary:has-text("Cancel membership")');
      await member.selectOption(`#feedback-${membership.id}`, 'too_expensive');
      await member.click('text=Cancel at the end of the period');
      await member.waitForURL(`${app.baseUrl}/account?changed=cancel`);
      await member.click('text=Keep my membership');
      await member.waitForURL(`${app.baseUrl}/account?changed=resume`);
      expect(await db('memberships').where({ id: membership.id }).first()).toMatchObject({ amount: 3000, cancel_at_period_end: false });

      await member.click('text=Update card or billing details');
      await member.waitForURL(/\/portal\//);
      expect(await member.content()).toContain('TEST MODE');
    } finally {
      await member.close();
    }
  });
});
