import knexFactory, { type Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../e2e/run-app';
import { buildDonor, buildMembership, buildPaidDonation, buildReceipt, buildStaff } from '../support/factories';
import { createFirstStaff, launchChromium } from './support';

const PHONE = { width: 390, height: 844 };
const DAY_MS = 86_400_000;

/** What a page looks like to someone on a phone: whether the page itself scrolls sideways, and each table's box. */
interface NarrowLayout {
  pageWidth: number;
  tables: {
    wrapper: { role: string | null; label: string | null; tabindex: string | null; overflowX: string } | null;
    /** The table's full width, and how far its wrapper lets a reader scroll to reach it. */
    tableWidth: number;
    reachable: number;
    scrolls: boolean;
  }[];
}

function layoutOf(page: Page): Promise<NarrowLayout> {
  return page.evaluate(() => ({
    pageWidth: document.documentElement.scrollWidth,
    tables: Array.from(document.querySelectorAll('main table')).map((table) => {
      const wrapper = table.parentElement!.classList.contains('table-scroll') ? table.parentElement! : null;
      const labelledBy = wrapper?.getAttribute('aria-labelledby');
      return {
        wrapper: wrapper && {
          role: wrapper.getAttribute('role'),
          label: wrapper.getAttribute('aria-label') ?? (labelledBy ? document.getElementById(labelledBy)?.textContent ?? null : null),
          tabindex: wrapper.getAttribute('tabindex'),
          overflowX: getComputedStyle(wrapper).overflowX,
        },
        tableWidth: table.scrollWidth,
        reachable: wrapper ? wrapper.scrollWidth : table.getBoundingClientRect().width,
        scrolls: wrapper ? wrapper.scrollWidth > wrapper.clientWidth : false,
      };
    }),
  }));
}

/** The page does not scroll sideways; every table is in a labelled, focusable region that scrolls to its last column. */
async function expectFitsAPhone(page: Page): Promise<void> {
  const layout = await layoutOf(page);
  expect(layout.pageWidth).toBeLessThanOrEqual(PHONE.width);
  expect(layout.tables.length).toBeGreaterThan(0);
  for (const table of layout.tables) {
    expect(table.wrapper).toEqual({ role: 'region', label: expect.stringMatching(/\w/), tabindex: '0', overflowX: 'auto' });
    expect(table.reachable).toBeGreaterThanOrEqual(table.tableWidth);
  }
  // The data is wide enough that some table is wider than the screen, so the region really has to scroll.
  expect(layout.tables.some((t) => t.scrolls)).toBe(true);
}

/** A keyboard user reaches the columns off the screen: with the first wide region focused, the arrow keys scroll its last column into view. */
async function scrollsToLastColumnByKeyboard(page: Page): Promise<boolean> {
  const wide = await page.evaluate(() => Array.from(document.querySelectorAll('main .table-scroll')).findIndex((w) => w.scrollWidth > w.clientWidth));
  const region = page.locator('main .table-scroll').nth(wide);
  await region.focus();
  for (let i = 0; i < 40; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  return region.evaluate((wrapper) => {
    const lastCell = wrapper.querySelector('tr > :last-child')!.getBoundingClientRect();
    const box = wrapper.getBoundingClientRect();
    return document.activeElement === wrapper && wrapper.scrollLeft > 0 && lastCell.right <= box.right + 1;
  });
}

/**
 * The staff console and the donor's account on a 390 px phone: wide tables
 * (long names and emails, several rows) scroll inside their own region
 * instead of making the whole page scroll sideways.
 */
describe('tables on a 390 px wide phone', () => {
  let app: RunningApp;
  let db: Knex;
  let browser: Browser;
  let page: Page;
  let donorId: string;
  const donorEmail = 'maximiliana.wolkenstein-featherstonehaugh@regional-newsroom-readers.example';

  beforeAll(async () => {
    app = await startApp();
    db = knexFactory({ client: 'pg', connection: app.databaseUrl, pool: { min: 0, max: 1 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: PHONE });
    await createFirstStaff(page, app);

    const donor = await buildDonor(db, { email: donorEmail, name: 'Maximiliana Wolkenstein-Featherstonehaugh' });
    donorId = donor.id;
    const membership = await buildMembership(db, {
      donor_id: donor.id,
      status: 'past_due',
      amount: 1500,
      stripe_subscription_id: 'sub_narrow',
      current_period_end: new Date(Date.now() + 20 * DAY_MS),
      status_at: new Date(Date.now() - DAY_MS),
      payment_failed_at: new Date(Date.now() - DAY_MS),
    });
    for (let i = 0; i < 6; i += 1) {
      const gift = await buildPaidDonation(db, {
        donor_id: donor.id,
        amount: 150_000 + i,
        frequency: i % 2 ? 'monthly' : 'once',
        membership_id: i % 2 ? membership.id : null,
        paid_at: new Date(Date.now() - (i + 1) * DAY_MS),
        article_title: 'Inside the county’s decade-long fight over groundwater, farmland and who gets to decide',
        article_url: 'https://news.example/2026/11/county-groundwater-farmland-fight-explained-in-full',
        tribute_name: 'Bartholomew Featherstonehaugh-Wolkenstein',
      });
      await buildReceipt(db, gift);
    }
    // Donors known only by a long email: the dashboard names them by it.
    for (let i = 0; i < 4; i += 1) {
      const other = await buildDonor(db, { email: `subscriber.number.${i}.with-a-long-address@university-alumni-mail.example` });
      await buildPaidDonation(db, { donor_id: other.id, amount: 2_500_000, campaign: 'Year-end matching campaign 2026' });
      await buildMembership(db, { donor_id: other.id, status: 'past_due', amount: 125_000, stripe_subscription_id: `sub_narrow_${i}` });
    }
    const colleagues = [];
    for (let i = 0; i < 3; i += 1) {
      colleagues.push(await buildStaff(db, { role: 'staff', email: `development.and.membership.${i}@regional-newsroom.example`, name: `Development Colleague ${i}` }));
    }
    // An entry naming a staff account by its long email, for the audit log.
    await page.goto(`${app.baseUrl}/admin/staff`);
    await page.click(`#staff-${colleagues[0]!.id} button:has-text("Disable")`);
    await page.waitForLoadState();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    if (app) expect(await app.stop()).toBe(0);
  });

  it.each([
    ['the dashboard', '/admin'],
    ['the staff list', '/admin/staff'],
    ['the donor record', '/admin/donors/:donor'],
    // After the donor record: opening it is one of the entries the log lists.
    ['the audit log', '/admin/audit'],
  ])('fits %s on the screen, its tables scrolling in their own region', async (_name, path) => {
    await page.goto(`${app.baseUrl}${path.replace(':donor', donorId)}`);
    await expectFitsAPhone(page);
    expect(await scrollsToLastColumnByKeyboard(page)).toBe(true);
  });

  it('stacks the donors list into one card per donor, with nothing off the side of the page', async () => {
    await page.goto(`${app.baseUrl}/admin/donors`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.isVisible(`text=${donorEmail}`)).toBe(true);
  });

  it('fits the donor’s own gifts on their account page, the table scrolling in its own region', async () => {
    const donorPage = await browser.newPage({ viewport: PHONE });
    try {
      await donorPage.goto(`${app.baseUrl}/account`);
      await donorPage.fill('#email', donorEmail);
      await donorPage.click('main button[type=submit]');
      let mail: { text: string } | undefined;
      for (let i = 0; i < 100 && !mail; i += 1) {
        mail = await db('dev_mailbox').where({ to_address: donorEmail }).where('subject', 'like', 'Your sign-in link%').first();
        if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await donorPage.goto(/(http:\/\/\S+\/account\/verify\?token=\S+)/.exec(mail!.text)![1]!);
      await donorPage.click('main button[type=submit]');
      await donorPage.waitForURL(`${app.baseUrl}/account`);
      expect(await donorPage.textContent('[data-failed-payment]')).toContain("didn't go through");

      await expectFitsAPhone(donorPage);
      expect(await scrollsToLastColumnByKeyboard(donorPage)).toBe(true);
    } finally {
      await donorPage.close();
    }
  });
});
