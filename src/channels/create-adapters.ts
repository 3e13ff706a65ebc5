import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { ChannelAdapter } from './adapter.js';
import type { Platform } from '../shared/types.js';
import { DiscordAdapter } from './discord/adapter.js';
import { TelegramAdapter } from './telegram/adapter.js';

export function createAdapters(env: EnvConfig, timeoutMs: number, discordPerSecond: number): Partial<Record<Platform, ChannelAdapter>> {
  const adapters: Partial<Record<Platform, ChannelAdapter>> = {};
  if (env.DISCORD_TOKEN) {
    adapters.discord = new DiscordAdapter({ token: env.DISCORD_TOKEN, apiUrl: env.DISCORD_API_URL, timeoutMs, globalPerSecond: discordPerSecond });
  }
  if (env.TELEGRAM_TOKEN) {
    adapters.telegram = new TelegramAdapter({ token: env.TELEGRAM_TOKEN, apiRoot: env.TELEGRAM_API_ROOT, timeoutMs });
  }
  return adapters;
}

/** The one start-up line that says which chat platforms deliver and which keep alerts waiting. */
export function describeChannels(env: EnvConfig): { discord: string; telegram: string } {
  return {
    discord: env.DISCORD_TOKEN ? `on${env.DISCORD_API_URL ? ` via ${env.DISCORD_API_URL}` : ''}` : 'off (set DISCORD_TOKEN); alerts for Discord are kept',
    telegram: env.TELEGRAM_TOKEN
      ? `on${env.TELEGRAM_API_ROOT ? ` via ${env.TELEGRAM_API_ROOT}` : ''}`
      : 'off (set TELEGRAM_TOKEN); alerts for Telegram are kept',
  };
}

/** Logs who each configured token belongs to, or loudly that the platform refused it. Never blocks start-up. */
export function checkIdentities(adapters: Partial<Record<Platform, ChannelAdapter>>, log: Logger): void {
  for (const adapter of Object.values(adapters)) {
    adapter.whoAmI().then(
      (identity) => log.info({ platform: adapter.platform, identity }, `${adapter.platform}: signed in`),
      (error: unknown) =>
        log.error(
          { platform: adapter.platform, reason: error instanceof Error ? error.message : String(error) },
          `${adapter.platform}: the platform refused the token or is unreachable; deliveries will retry`,
        ),
    );
  }
}
