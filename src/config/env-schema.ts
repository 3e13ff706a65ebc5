import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (protocols: string[]) =>
  optionalText.refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
    message: `must be a URL starting with ${protocols.join(' or ')}`,
  });

/** A secret callers present (a bearer token): long enough that guessing it is hopeless. */
const callerSecret = optionalText.refine((v) => v === undefined || v.length >= 16, {
  message: 'must be at least 16 characters long, or anyone who can reach the bot could guess it; generate one with `openssl rand -hex 24`',
});

/**
 * The environment variables that carry opsbot's secrets (a Redis or database URL may hold a
 * password). No child process opsbot starts ever inherits them.
 */
export const SECRET_ENV_VARS = [
  'API_TOKEN',
  'DISCORD_TOKEN',
  'TELEGRAM_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'DASHBOARD_PASSWORD',
  'REDIS_URL',
  'DATABASE_URL',
] as const;

/** Secrets and endpoints come from the environment only, never from the YAML file. */
export const envSchema = z.object({
  API_TOKEN: callerSecret,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  TELEGRAM_TOKEN: optionalText,
  /** Discord wants an answer within 3 s: a command still running after this many ms is deferred. */
  DISCORD_DEFER_AFTER_MS: z.coerce.number().int().min(0).max(2_500).default(2_000),
  /** Register slash commands in this guild only (instant) instead of globally. */
  DISCORD_GUILD_ID: optionalText,
  /** When set, Telegram pushes updates to this URL instead of opsbot long-polling. */
  TELEGRAM_WEBHOOK_URL: url(['https://', 'http://']),
  /** Telegram's X-Telegram-Bot-Api-Secret-Token for the webhook; derived from the bot token when unset. */
  TELEGRAM_WEBHOOK_SECRET: callerSecret,
  /** A second way into the governance dashboard, besides API_TOKEN. */
  DASHBOARD_PASSWORD: optionalText.refine((v) => v === undefined || (v.length >= 12 && v.length <= 200), {
    message: 'must be 12 to 200 characters long',
  }),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  DISCORD_API_URL: url(['http://', 'https://']),
  TELEGRAM_API_ROOT: url(['http://', 'https://']),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => v.startsWith('redis://') || v.startsWith('rediss://'), {
      message: 'must be a redis:// or rediss:// URL',
    }),
  OPSBOT_DATA_DIR: z.string().min(1).default('./data'),
  OPSBOT_CONFIG: optionalText,
  OPSBOT_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('opsbot'),
  /** Time zone of the ops cycles (IANA name). */
  OPSBOT_TZ: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not a time zone name like UTC or Europe/Berlin'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvConfig = z.infer<typeof envSchema>;
