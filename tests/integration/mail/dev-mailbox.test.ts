import request from 'supertest';
import { createMailTransport } from '../../../src/mail/transport';
import { bootTestApp, type TestApp } from '../../support/app';

describe('/dev/mailbox (SMTP_URL unset, not production)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(() => t.close());

  async function deliverLocally() {
    const transport = createMailTransport(null, t.db);
    expect(transport.kind).toBe('dev-mailbox');
    await transport.send({
      from: 'Our Newsroom <donations@example.org>',
      to: 'reader@example.com',
      subject: 'Your receipt <No. 1>',
      html: '<p>Thank you, <script>alert(1)</script><strong>Ada</strong></p>',
      text: 'Thank you, Ada',
      attachments: [{ filename: 'receipt.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.3 test') }],
      messageId: '<abc@example.org>',
    });
    return (await t.db('dev_mailbox').first()).id as string;
  }

  it('lists delivered messages, newest first, with escaped subjects', async () => {
    await deliverLocally();
    const res = await request(t.app).get('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.text).toContain('reader@example.com');
    expect(res.text).toContain('Your receipt &lt;No. 1&gt;');
    expect(res.text).toContain('(1 attachment)');
  });

  it('shows a message with its text part and its HTML part in a sandboxed frame', async () => {
    const id = await deliverLocally();
    const page = await request(t.app).get(`/dev/mailbox/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<pre class="mail-text">Thank you, Ada</pre>');
    expect(page.text).toContain(`<iframe class="mail-html" title="HTML part of the message" sandbox src="/dev/mailbox/${id}/html">`);
    const html = await request(t.app).get(`/dev/mailbox/${id}/html`);
    expect(html.text).toContain('<strong>Ada</strong>');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('serves attachments for download', async () => {
    const id = await deliverLocally();
    const res = await request(t.app).get(`/dev/mailbox/${id}/attachments/0`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('receipt.pdf');
    expect(Buffer.from(res.body).toString()).toBe('%PDF-1.3 test');
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expect((await request(t.app).get('/dev/mailbox/not-a-uuid')).status).toBe(404);
    expect((await request(t.app).get('/dev/mailbox/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const id = await deliverLocally();
    expect((await request(t.app).get(`/dev/mailbox/${id}/attachments/5`)).status).toBe(404);
  });

  it('does not exist when real SMTP is configured', async () => {
    const withSmtp = await bootTestApp({ SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      expect((await request(withSmtp.app).get('/dev/mailbox')).status).toBe(404);
    } finally {
      await withSmtp.close();
    }
  });
});
