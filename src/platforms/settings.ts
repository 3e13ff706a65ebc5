import { z } from 'zod';
import type { ChatIdentity, GlobalPaceDefault, PaceDefault } from './settings-contract.js';
import type { Role } from '../shared/roles.js';
import { discordSettings } from './discord/settings.js';
import { telegramSettings } from './telegram/settings.js';

/**
 * Every chat platform's settings, read by the config and the layers below the platforms. A new
 * platform is a folder beside discord/ and telegram/, a line here and a line in registry.ts.
 */
export const PLATFORM_SETTINGS = [discordSettings, telegramSettings] as const;

type AnySettings = (typeof PLATFORM_SETTINGS)[number];
export type Platform = AnySettings['name'];
export const PLATFORMS = PLATFORM_SETTINGS.map((settings) => settings.name) as unknown as readonly [Platform, ...Platform[]];

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never;

/** Every platform's environment variables, as one zod shape. */
export type PlatformEnvShape = UnionToIntersection<AnySettings['env']>;
export const PLATFORM_ENV = Object.assign({}, ...PLATFORM_SETTINGS.map((settings) => settings.env)) as PlatformEnvShape;
export const PLATFORM_SECRET_ENV: readonly string[] = PLATFORM_SETTINGS.flatMap((settings) => settings.secretEnv);

type Section<Key extends 'access' | 'mentions'> = { [S in AnySettings as S['name']]: S[Key] };

/** A config section with one key per platform, each taking the platform's own schema. */
export function perPlatformSection<Key extends 'access' | 'mentions'>(key: Key): Section<Key> {
  return Object.fromEntries(PLATFORM_SETTINGS.map((settings) => [settings.name, settings[key]])) as Section<Key>;
}

/** A config section with one key per platform, each taking `schema` (destination lists). */
export function eachPlatform<S extends z.ZodType>(schema: S): Record<Platform, S> {
  return Object.fromEntries(PLATFORMS.map((platform) => [platform, schema])) as Record<Platform, S>;
}

export type EscalationMentions = { [S in AnySettings as S['name']]: z.output<S['mentions']> };
export type PlatformAccess = { [S in AnySettings as S['name']]: z.output<S['access']> };

export function platformSettings(platform: Platform): AnySettings {
  const found = PLATFORM_SETTINGS.find((settings) => settings.name === platform);
  if (!found) throw new Error(`no chat platform ${JSON.stringify(platform)}; known: ${PLATFORMS.join(', ')}`);
  return found;
}

/** The roles the identity's ids hold under `access.<platform>`. */
export function grantedRoles(platform: Platform, access: PlatformAccess, who: ChatIdentity): Role[] {
  const settings = platformSettings(platform) as { grants(access: unknown, who: ChatIdentity): Role[] };
  return settings.grants(access[platform], who);
}

/** The pacing keys and defaults of every platform: `pacing.<key>` in the config file. */
export const PACING_DEFAULTS = {
  destinations: Object.assign({}, ...PLATFORM_SETTINGS.map((settings) => settings.pacing.destinations)) as Record<string, PaceDefault>,
  global: Object.fromEntries(PLATFORM_SETTINGS.map((settings) => [settings.pacing.global.key, settings.pacing.global.default])) as Record<string, GlobalPaceDefault>,
};

/** The hosts of the public URLs the platforms are reached at (webhooks): the HTTP server must accept them. */
export function publicHosts(env: Record<string, unknown>): string[] {
  return PLATFORM_SETTINGS.flatMap((settings) => {
    const url = 'publicUrlEnv' in settings && settings.publicUrlEnv ? env[settings.publicUrlEnv] : undefined;
    return typeof url === 'string' ? [new URL(url).hostname] : [];
  });
}

/** A link to a posted message where the platform has one (see each platform's `messageLink`), read with the process environment `env`. */
export function messageLinkOf(platform: Platform, destination: string, messageId: string, env: Record<string, unknown>): string | null {
  return platformSettings(platform).messageLink(destination, messageId, env);
}
