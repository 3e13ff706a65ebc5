import { hostname } from 'node:os';
import { z } from 'zod';
import { callerSecret, optionalText } from '../shared/env-fields.js';
import { PLATFORM_ENV, PLATFORM_SECRET_ENV } from '../platforms/settings.js';
import { redisUrlProblem } from '../redis/connection.js';
import { instanceName } from './instance-name.js';

/**
 * The environment variables that carry opsbot's secrets (a Redis or database URL may hold a
 * password). No child process opsbot starts ever inherits them.
 */
export const SECRET_ENV_VARS: readonly string[] = ['API_TOKEN', ...PLATFORM_SECRET_ENV, 'DASHBOARD_PASSWORD', 'REDIS_URL', 'DATABASE_URL'];

/** Secrets and endpoints come from the environment only, never from the YAML file; each platform adds its own. */
export const envSchema = z.object({
  ...PLATFORM_ENV,
  API_TOKEN: callerSecret,
  /** A second way into the governance dashboard, besides API_TOKEN. */
  DASHBOARD_PASSWORD: optionalText.refine((v) => v === undefined || (v.length >= 12 && v.length <= 200), {
    message: 'must be 12 to 200 characters long',
  }),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** The shared store of several instances; unset means the embedded SQLite file under OPSBOT_DATA_DIR. */
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// URL (unset, opsbot uses its SQLite file in OPSBOT_DATA_DIR)',
  }),
  /** One Redis server (redis://, rediss://) or the Sentinels that name the master (redis+sentinel://, rediss+sentinel://). */
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .superRefine((url, ctx) => {
      const problem = redisUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  OPSBOT_DATA_DIR: z.string().min(1).default('./data'),
  OPSBOT_CONFIG: optionalText,
  OPSBOT_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('opsbot'),
  /** This instance's name among those sharing one store: the host name unless given. */
  OPSBOT_INSTANCE: instanceName.default(() => hostname()),
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
