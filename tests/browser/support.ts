import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningApp } from '../e2e/run-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's chromium, headless, as .ci/run installs it; `extraArgs` for tests that need more (host mapping). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/** Pays on the emulator's hosted checkout page with the card that succeeds (the email only when Checkout asks for it). */
export async function payWithTestCard(page: Page, cardholder: string, email?: string): Promise<void> {
  if (email) await page.fill('#field-email', email);
  await page.fill('#field-cardholder_name', cardholder);
  await page.fill('#field-card_number', '4242 4242 4242 4242');
  await page.fill('#field-card_expiry', '12 / 34');
  await page.fill('#field-card_cvc', '123');
  await page.fill('#field-postal_code', '10001');
  await page.click('button[type=submit]');
}

/** Creates the first staff account (an admin) from the one-time setup link `npm start` printed, and lands on the dashboard. */
export async function createFirstStaff(page: Page, app: RunningApp): Promise<void> {
  const setup = /http:\/\/\S+\/admin\/setup\?token=\S+/.exec(app.logs.join('\n'))![0].replace(/^http:\/\/localhost:\d+/, app.baseUrl);
  await page.goto(setup);
  await page.fill('#name', 'Dana Director');
  await page.fill('#email', 'dana@newsroom.example');
  await page.fill('#password', 'a long staff passphrase');
  await page.fill('#password_confirmation', 'a long staff passphrase');
  await page.click('main button[type=submit]');
  await page.waitForURL(`${app.baseUrl}/admin`);
}
