import path from 'node:path';
import { z } from 'zod';

/**
 * The whole environment, validated once at boot. Every problem is reported at
 * once so an operator fixes their deployment in one pass, not one restart per
 * missing variable.
 */

/** Signs the local emulator's webhooks in development; never accepted in production. */
export const DEV_WEBHOOK_SECRET = 'whsec_sustain_local_development_only';
const DEV_SESSION_SECRET = 'sustain-local-development-session-secret-not-for-production';
const DEV_STRIPE_KEY = 'sk_test_sustain_local_emulator';

/** Variables production refuses to run without, because each has an embedded default. */
export const PRODUCTION_REQUIRED = [
  'DATABASE_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'SMTP_URL',
  'SESSION_SECRET',
  'BASE_URL',
] as const;

const emptyAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const originList = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return [] as string[];
      const origins: string[] = [];
      for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        try {
          const url = new URL(entry);
          if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
          origins.push(url.origin);
        } catch {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin like https://news.example.org` });
        }
      }
      return origins;
    }),
);

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'test', 'production']).default('development')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  BASE_URL: optionalString(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  DATABASE_URL: optionalString(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL'),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  STRIPE_SECRET_KEY: optionalString(z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')),
  STRIPE_WEBHOOK_SECRET: optionalString(z.string().regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)')),
  STRIPE_EMULATOR_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(12111)),
  SMTP_URL: optionalString(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')),
  MAIL_FROM: z.preprocess(emptyAsUndefined, z.string().default('Sustain <donations@localhost>')),
  SESSION_SECRET: optionalString(z.string().min(32, 'must be at least 32 characters')),
  EMBED_ALLOWED_ORIGINS: originList,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly baseUrl: string;
  readonly logLevel: string;
  readonly database: { readonly url: string } | { readonly embedded: { readonly dataDir: string } };
  readonly stripe: {
    readonly secretKey: string;
    readonly webhookSecret: string;
    /** Set when the app runs against the local emulator rather than Stripe. */
    readonly emulator: { readonly port: number } | null;
  };
  readonly mail: { readonly smtpUrl: string | null; readonly from: string };
  readonly sessionSecret: string;
  /** Origins (besides our own) that may embed the widget and receive donors back. */
  readonly allowedOrigins: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const missing = PRODUCTION_REQUIRED.filter((name) => e[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        missing.map((name) => `${name}: required in production (the embedded default is for local use only)`),
      );
    }
  }

  const usesEmulator = e.STRIPE_SECRET_KEY === undefined;
  if (!usesEmulator && e.STRIPE_WEBHOOK_SECRET === undefined) {
    // The development secret is public (it is in this file); accepting it with a
    // real Stripe account would let anyone forge payment events.
    throw new ConfigError(['STRIPE_WEBHOOK_SECRET: required whenever STRIPE_SECRET_KEY is set']);
  }
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    baseUrl,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? { url: e.DATABASE_URL }
      : { embedded: { dataDir: path.resolve(e.DATA_DIR) } },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY ?? DEV_STRIPE_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
      emulator: usesEmulator ? { port: e.STRIPE_EMULATOR_PORT } : null,
    },
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    allowedOrigins: Object.freeze([...e.EMBED_ALLOWED_ORIGINS]),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
