import path from 'node:path';
import { ConfigError, DEV_WEBHOOK_SECRET, loadConfig } from '../../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.database).toEqual({ embedded: { dataDir: path.resolve('./data') } });
    expect(config.stripe.emulator).toEqual({ port: 12111 });
    expect(config.stripe.webhookSecret).toBe(DEV_WEBHOOK_SECRET);
    expect(config.mail.smtpUrl).toBeNull();
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.stripe)).toBe(true);
  });

  it('uses real services when they are configured', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db.internal/sustain',
      STRIPE_SECRET_KEY: 'sk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      BASE_URL: 'https://give.example.org/',
      EMBED_ALLOWED_ORIGINS: 'https://news.example.org, https://www.example.org/path',
    });
    expect(config.database).toEqual({ url: 'postgres://app@db.internal/sustain' });
    expect(config.stripe.emulator).toBeNull();
    expect(config.baseUrl).toBe('https://give.example.org');
    expect(config.allowedOrigins).toEqual(['https://news.example.org', 'https://www.example.org']);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      STRIPE_SECRET_KEY: 'pk_test_123',
      EMBED_ALLOWED_ORIGINS: 'not a url',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a postgres/);
    expect(problems.join('\n')).toMatch(/STRIPE_SECRET_KEY/);
    expect(problems.join('\n')).toMatch(/EMBED_ALLOWED_ORIGINS/);
  });

  it('refuses production on embedded defaults and names every missing variable', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'DATABASE_URL',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'SMTP_URL',
      'SESSION_SECRET',
      'BASE_URL',
    ]);
  });

  it('refuses a real Stripe key without a webhook secret, so the public development secret is never trusted', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_abc', DATABASE_URL: 'postgres://db/sustain' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required whenever STRIPE_SECRET_KEY is set',
    ]);
  });

  it('treats empty strings as unset', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATABASE_URL: '', STRIPE_SECRET_KEY: ' ' });
    expect(problems.some((p) => p.startsWith('DATABASE_URL: required'))).toBe(true);
  });
});
