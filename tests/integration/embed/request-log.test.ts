import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../../src/lib/logger';
import { bootTestApp, type TestApp } from '../../support/app';

describe('request log lines for the embed routes', () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({}, { logger: createLogger('info', stream) });
    await t.reset();
  });
  beforeEach(() => {
    lines.length = 0;
  });
  afterAll(async () => {
    await t.reset();
    await t.close();
  });

  const requestLines = () => lines.filter((line) => line.msg === 'request').map((line) => `${line.status} ${line.path}`);

  it('logs no line and sends no request id for a routine answer of the loader or the box (the same bytes for every article view, kept and logged by a CDN), but does for other pages', async () => {
    const loader = await request(t.app).get('/embed.js');
    const footer = await request(t.app).get('/embed/footer?campaign=x');
    await request(t.app).get('/embed/footer?campaign=x').set('If-None-Match', footer.headers.etag!);
    const page = await request(t.app).get('/donate');
    expect(requestLines()).toEqual(['200 /donate']);
    expect(loader.headers['x-request-id']).toBeUndefined();
    expect(footer.headers['x-request-id']).toBeUndefined();
    expect(page.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs the failure, with the request id the error page shows, when the box fails', async () => {
    // A fresh app whose database is gone: it cannot read its settings.
    const broken = await bootTestApp({}, { logger: createLogger('info', stream) });
    await broken.close();
    const res = await request(broken.app).get('/embed/footer?campaign=broken');
    expect(res.status).toBe(500);
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ status: 500, req_id: res.headers['x-request-id'] });
    expect(res.text).toContain(res.headers['x-request-id']);
  });
});
