import { z } from 'zod';
import { PACING_DEFAULTS, PLATFORM_SETTINGS, type Platform } from '../platforms/settings.js';

const pace = z.strictObject({
  intervalMs: z.number().int().positive(),
  burst: z.number().int().positive(),
});

/** A platform's budget for the whole bot, every destination and instance together. */
const globalPace = z.strictObject({
  perSecond: z.number().positive(),
  burst: z.number().int().positive(),
});

export type PaceConfig = z.infer<typeof pace>;
export type GlobalPaceConfig = z.infer<typeof globalPace>;

/** One platform's paces: per kind of destination (by its key under `pacing`) and bot-wide. */
export interface PlatformPacing {
  destinations: Record<string, PaceConfig>;
  global: GlobalPaceConfig;
}

const flatShape = {
  ...Object.fromEntries(Object.entries(PACING_DEFAULTS.destinations).map(([key, value]) => [key, pace.default(value)])),
  ...Object.fromEntries(Object.entries(PACING_DEFAULTS.global).map(([key, value]) => [key, globalPace.default(value)])),
};

/**
 * `pacing:` in the config file, one flat key per kind of destination (`discordChannel`,
 * `telegramGroup`, …) and per platform's bot-wide budget (`discordGlobal`, …), each platform's
 * keys coming from its settings; parsed into each platform's paces.
 */
export const pacingSchema = z
  .strictObject(flatShape)
  .prefault({})
  .transform((flat) => {
    const values = flat as Record<string, unknown>;
    const byPlatform = PLATFORM_SETTINGS.map((settings) => {
      const destinations = Object.keys(settings.pacing.destinations).map((key) => [key, values[key] as PaceConfig]);
      const platformPacing: PlatformPacing = { destinations: Object.fromEntries(destinations), global: values[settings.pacing.global.key] as GlobalPaceConfig };
      return [settings.name, platformPacing];
    });
    return Object.fromEntries(byPlatform) as Record<Platform, PlatformPacing>;
  });

export type PacingConfig = z.infer<typeof pacingSchema>;
