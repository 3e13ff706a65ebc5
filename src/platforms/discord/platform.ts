import type { PlatformModule } from '../platform.js';
import { DiscordAdapter } from './adapter.js';
import { DiscordChat } from './chat.js';
import { deployDiscordCommands } from './deploy.js';
import { checkDiscordSetup } from './setup-check.js';

const READY_TIMEOUT_MS = 15_000;

export const discordPlatform: PlatformModule = {
  name: 'discord',
  describe: (env) => (env.DISCORD_TOKEN ? `on${env.DISCORD_API_URL ? ` via ${env.DISCORD_API_URL}` : ''}` : 'off (set DISCORD_TOKEN); alerts for Discord are kept'),
  createAdapter: (env, file) =>
    env.DISCORD_TOKEN
      ? new DiscordAdapter({ token: env.DISCORD_TOKEN, apiUrl: env.DISCORD_API_URL, timeoutMs: file.delivery.requestTimeoutMs, globalPerSecond: file.pacing.discord.global.perSecond })
      : undefined,
  createChat: (env, commands, log) =>
    env.DISCORD_TOKEN
      ? new DiscordChat(
          {
            token: env.DISCORD_TOKEN,
            ...(env.DISCORD_API_URL ? { apiUrl: env.DISCORD_API_URL } : {}),
            ...(env.DISCORD_GUILD_ID ? { guildId: env.DISCORD_GUILD_ID } : {}),
            deferAfterMs: env.DISCORD_DEFER_AFTER_MS,
            readyTimeoutMs: READY_TIMEOUT_MS,
          },
          commands,
          log.child({ component: 'discord-chat' }),
        )
      : undefined,
  checkSetup: checkDiscordSetup,
  commandDeployment: { needs: 'Discord: DISCORD_TOKEN; DISCORD_GUILD_ID', deploy: deployDiscordCommands },
};
