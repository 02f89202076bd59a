import request from 'supertest';
import { readSettings, writeSetting } from '../../../src/settings/settings';
import { upsertSettingRow } from '../../../src/settings/settings-queries';
import { bootTestApp, NEWSROOM_ORIGIN, type TestApp } from '../../support/app';

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  SMTP_URL: 'smtp://mail.example.org:587',
  SESSION_SECRET: 'a-production-session-secret-of-at-least-32-chars',
};

function frameAncestors(res: request.Response): string[] {
  const directive = String(res.headers['content-security-policy'])
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('frame-ancestors'));
  return directive ? directive.split(/\s+/).slice(1) : [];
}

describe('the embed routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  describe('GET /embed.js', () => {
    it('serves the loader for any page to load: public caching, an ETag, no cookie, cross-origin readable', async () => {
      const res = await request(t.app).get('/embed.js').set('Accept-Encoding', 'identity');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.text).toContain('/embed/footer');
    });

    it('sends it gzipped to a browser that accepts gzip, under 3 KB, with an ETag of its own', async () => {
      const res = await request(t.app).get('/embed.js').set('Accept-Encoding', 'gzip, deflate, br');
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(Number(res.headers['content-length'])).toBeLessThan(3 * 1024);
      const plain = await request(t.app).get('/embed.js').set('Accept-Encoding', 'identity');
      // A strong validator names one representation (RFC 9110 8.8.3).
      expect(res.headers.etag).not.toBe(plain.headers.etag);
    });

    it('answers 304 with no body when the ETag still matches', async () => {
      const first = await request(t.app).get('/embed.js');
      const again = await request(t.app).get('/embed.js').set('If-None-Match', first.headers.etag!);
      expect(again.status).toBe(304);
      expect(again.text ?? '').toBe('');
      expect(again.headers['set-cookie']).toBeUndefined();
      const stale = await request(t.app).get('/embed.js').set('If-None-Match', '"something-older"');
      expect(stale.status).toBe(200);
    });
  });

  describe('GET /embed/footer', () => {
    it('renders the box: headline, once/monthly/yearly, the presets, fee coverage, and a form that opens Checkout in the reader’s window', async () => {
      const res = await request(t.app).get('/embed/footer');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Support our non-profit journalism');
      expect(res.text).toMatch(/<form method="post" action="http:\/\/localhost:3000\/donate" target="_top"/);
      for (const label of ['Once', 'Monthly', 'Yearly', '$10', '$25', '$50', '$100', 'Other']) expect(res.text).toContain(`>${label}</label>`);
      expect(res.text).toMatch(/id="amount-25" value="25" checked/);
      expect(res.text).toMatch(/id="frequency-once" value="once" checked/);
      expect(res.text).toContain('name="cover_fees"');
      expect(res.text).toContain('<input type="hidden" name="embed" value="1">');
    });

    it('may be framed by the allowed newsroom, ourselves and (outside production) loopback sites, and by nobody else', async () => {
      const res = await request(t.app).get('/embed/footer');
      expect(frameAncestors(res)).toEqual(["'self'", NEWSROOM_ORIGIN, 'http://localhost:*', 'https://localhost:*', 'http://127.0.0.1:*', 'https://127.0.0.1:*']);
      expect(res.headers['x-frame-options']).toBeUndefined();
    });

    it('holds the box to a tight policy: its own script and styles, posts to us and Checkout only, no plugins or base tag', async () => {
      const res = await request(t.app).get('/embed/footer');
      const policy = String(res.headers['content-security-policy']).split('; ');
      expect(policy).toEqual(
        expect.arrayContaining(["default-src 'none'", "script-src 'self'", "form-action 'self' https://checkout.stripe.com", "base-uri 'none'"]),
      );
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('leaves every other page refusing frames', async () => {
      for (const path of ['/donate', '/account', '/admin/sign-in', '/demo/article']) {
        const res = await request(t.app).get(path);
        expect(frameAncestors(res)).toEqual(["'self'"]);
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      }
    });

    it('is cacheable by a CDN: public, an ETag, 304 on revalidation, no cookie, no Vary', async () => {
      const res = await request(t.app).get('/embed/footer?campaign=spring-drive');
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers.vary).toBeUndefined();
      const again = await request(t.app).get('/embed/footer?campaign=spring-drive').set('If-None-Match', res.headers.etag!);
      expect(again.status).toBe(304);
      expect(again.headers['set-cookie']).toBeUndefined();
      const other = await request(t.app).get('/embed/footer?campaign=fall-drive').set('If-None-Match', res.headers.etag!);
      expect(other.status).toBe(200);
    });

    it("takes the tag's amounts, frequency, campaign, variant and theme", async () => {
      const res = await request(t.app).get('/embed/footer?amounts=15,35,75&frequency=monthly&campaign=spring-drive&variant=b&theme=dark');
      expect(res.text).toMatch(/id="amount-35" value="35" checked/);
      expect(res.text).not.toContain('id="amount-25"');
      expect(res.text).toMatch(/id="frequency-monthly" value="monthly" checked/);
      expect(res.text).toContain('<input type="hidden" name="campaign" value="spring-drive">');
      expect(res.text).toContain('<input type="hidden" name="cta_variant" value="b">');
      expect(res.text).toContain('data-theme="dark"');
    });

    it.each([
      ['amounts that are not amounts', 'amounts=ten,twenty'],
      ['an amount below the minimum', 'amounts=0.50,25'],
      ['more than six amounts', 'amounts=1,2,3,4,5,6,7'],
      ['an unknown frequency and theme', 'frequency=weekly&theme=neon'],
    ])('ignores %s rather than break the box on every article', async (_label, query) => {
      const res = await request(t.app).get(`/embed/footer?${query}`);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/id="amount-25" value="25" checked/);
      expect(res.text).toMatch(/id="frequency-once" value="once" checked/);
      expect(res.text).toContain('data-theme="light"');
    });

    it('escapes what the tag says', async () => {
      const res = await request(t.app).get(`/embed/footer?campaign=${encodeURIComponent('"><script>alert(1)</script>')}`);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;');
    });
  });

  describe('GET /demo/article', () => {
    it('shows a sample article with the box placed by the tag newsrooms use', async () => {
      const res = await request(t.app).get('/demo/article');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-campaign="demo" async><\/script>/);
      expect(res.text).toContain('<link rel="canonical"');
    });
  });
});

describe('the embed routes with settings a newsroom changed', () => {
  it('uses the campaign’s own headline, copy, amounts and default frequency, and the accent colour', async () => {
    const t = await bootTestApp();
    try {
      await t.reset();
      await writeSetting(t.db, 'embed', {
        accent_color: '#1a4d8f',
        campaigns: { 'spring-drive': { headline: 'Keep the spring drive going', copy: 'Every gift is matched.', presets: [50, 2000, 4000], default_frequency: 'monthly' } },
      });
      const res = await request(t.app).get('/embed/footer?campaign=spring-drive');
      expect(res.text).toContain('Keep the spring drive going');
      expect(res.text).toContain('Every gift is matched.');
      expect(res.text).toMatch(/id="amount-20" value="20"/);
      expect(res.text).toMatch(/id="amount-40" value="40"/);
      // Below the smallest gift the form takes ($1): left out rather than offered and refused.
      expect(res.text).not.toContain('id="amount-0.50"');
      expect(res.text).toMatch(/id="frequency-monthly" value="monthly" checked/);
      expect(res.text).toContain('--accent: #1a4d8f');
      const plain = await request(t.app).get('/embed/footer');
      expect(plain.text).toContain('Support our non-profit journalism');
    } finally {
      await t.reset();
      await t.close();
    }
  });

  it('renders the box with the defaults when a stored setting no longer validates (edited by hand), and says which', async () => {
    const t = await bootTestApp();
    try {
      await t.reset();
      await upsertSettingRow(t.db, 'embed', { accent_color: 'yellow', headline: 'Hand-edited' });
      const problems: string[] = [];
      const settings = await readSettings(t.db, (key, problem) => problems.push(`${key}: ${problem}`));
      expect(settings.embed.headline).toBe('Support our non-profit journalism');
      expect(problems).toEqual([expect.stringContaining('embed.accent_color: must be a colour like #b3261e')]);
      const res = await request(t.app).get('/embed/footer');
      expect(res.status).toBe(200);
      expect(res.text).toContain('--accent: #b3261e');
      expect((await request(t.app).get('/donate')).status).toBe(200);
    } finally {
      await t.reset();
      await t.close();
    }
  });

  it('refuses an accent colour white text cannot be read on', async () => {
    const t = await bootTestApp();
    try {
      await expect(writeSetting(t.db, 'embed', { accent_color: '#ffeb3b' })).rejects.toThrow(/dark enough/);
    } finally {
      await t.close();
    }
  });
});

describe('the embed routes in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp(PRODUCTION_ENV);
  });
  afterAll(() => t.close());

  it('lets only the configured newsroom frame the box: no loopback sites', async () => {
    const res = await request(t.app).get('/embed/footer');
    expect(frameAncestors(res)).toEqual(["'self'", NEWSROOM_ORIGIN]);
  });

  it('has no demo article', async () => {
    expect((await request(t.app).get('/demo/article')).status).toBe(404);
  });
});
