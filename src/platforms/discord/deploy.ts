import { REST, Routes } from 'discord.js';
import type { EnvConfig } from '../../config/env-schema.js';
import { ConfigError } from '../../config/load.js';
import type { CommandShape } from '../../shared/chat.js';
import { registerDiscordCommands } from './register.js';

/**
 * `opsbot deploy-commands` for Discord: registers the slash commands without starting the bot
 * (the bot also does this at start-up, only when they changed), and says what it did.
 */
export async function deployDiscordCommands(env: EnvConfig, commands: readonly CommandShape[]): Promise<string> {
  if (!env.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: deploy-commands needs the bot token');
  const rest = new REST({ retries: 1, ...(env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {}) }).setToken(env.DISCORD_TOKEN);
  try {
    const applicationId = env.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
    const result = await registerDiscordCommands(rest, applicationId, env.DISCORD_GUILD_ID, commands);
    return result.changed
      ? `registered ${result.count} slash commands (${result.scope})`
      : `${result.count} slash commands already up to date (${result.scope}); nothing sent`;
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
