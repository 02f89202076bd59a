import request from 'supertest';
import type { OutboxRow } from '../../../src/mail/outbox-queries';
import { outboxRenderer } from '../../../src/mail/templates';
import { readSettings } from '../../../src/settings/settings';
import { TEST_BASE_URL, type TestApp } from '../../support/app';

/** The sign-in link as the donor receives it: rendered by the outbox template, as the worker would. */
export async function emailedLink(t: TestApp): Promise<string> {
  const row = (await t.db('email_outbox').where({ template: 'sign-in-link' }).orderBy('created_at', 'desc').first()) as OutboxRow;
  const email = await outboxRenderer(t.db, async () => ({
    settings: await readSettings(t.db),
    baseUrl: TEST_BASE_URL,
    linkKey: t.config.sessionSecret,
  }))(row);
  const url = /http:\/\/localhost:3000\/account\/verify\?token=[^\s"<]+/.exec(email.text)![0];
  return url.replace(TEST_BASE_URL, '');
}

/** Signs in through the real flow (request a link, confirm it) and returns the session cookie. */
export async function signedInCookie(t: TestApp, email: string): Promise<string> {
  await request(t.app).post('/account/sign-in').type('form').send({ email });
  const token = new URL(await emailedLink(t), TEST_BASE_URL).searchParams.get('token')!;
  const res = await request(t.app).post('/account/verify').type('form').send({ token });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
  return res.headers['set-cookie']![0]!.split(';')[0]!;
}
