import { z } from 'zod';
import { ROLES, type Role } from '../shared/roles.js';

/** Who sent a command or pressed a button, as every platform can tell it. */
export interface ChatIdentity {
  userId: string;
  chatId: string;
  roleIds: string[];
}

export interface PaceDefault {
  intervalMs: number;
  burst: number;
}

export interface GlobalPaceDefault {
  perSecond: number;
  burst: number;
}

/** A list of numeric chat, channel or user ids; YAML may write them as numbers. */
export const chatIds = z.array(z.union([z.string().regex(/^-?\d+$/, 'must be a numeric id'), z.number().int()]).transform(String)).default([]);

/** Numeric ids, each granted a role. */
export const idToRole = z.record(z.string().regex(/^-?\d+$/, 'must be a numeric id'), z.enum(ROLES)).default({});

/**
 * What a chat platform adds to opsbot's settings: its environment variables, its sections of the
 * config file, its pacing and how its identities earn roles. These sit below the config, so the
 * config is built from them; the platform's adapter and chat live beside them in its folder.
 */
export interface PlatformSettings<Name extends string, Env extends z.ZodRawShape, Access extends z.ZodType, Mentions extends z.ZodType> {
  readonly name: Name;
  /** Its environment variables: tokens, endpoints, switches. */
  readonly env: Env;
  /** Those of them that are secrets: never logged, never passed to a child process. */
  readonly secretEnv: ReadonlyArray<keyof Env & string>;
  /** `access.<name>` in the config file: which of its ids hold which role. */
  readonly access: Access;
  /** `mention.<name>` of an escalation level: whom a notice calls by name. */
  readonly mentions: Mentions;
  readonly pacing: {
    /** Pace per kind of destination, under `pacing.<key>` in the config file, with its default. */
    readonly destinations: Readonly<Record<string, PaceDefault>>;
    /** Which of those keys a destination id gets. */
    destinationKey(destination: string): string;
    /** The platform's bot-wide budget: its key under `pacing` and its default. */
    readonly global: { readonly key: string; readonly default: GlobalPaceDefault };
  };
  /** The roles the identity's ids hold under `access.<name>`. */
  grants(access: z.output<Access>, who: ChatIdentity): Role[];
  /** An environment variable naming a public URL whose host the HTTP server must accept (a webhook). */
  readonly publicUrlEnv?: keyof Env & string;
  /** A link a person can open to a posted message, where the platform has one for that destination (the dashboard's alert page). */
  messageLink(destination: string, messageId: string, env: Partial<Record<keyof Env & string, unknown>>): string | null;
}

/** Checks a platform's settings against the contract while keeping their exact types. */
export function definePlatformSettings<Name extends string, Env extends z.ZodRawShape, Access extends z.ZodType, Mentions extends z.ZodType>(
  settings: PlatformSettings<Name, Env, Access, Mentions>,
): PlatformSettings<Name, Env, Access, Mentions> {
  return settings;
}
