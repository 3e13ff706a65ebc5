import { REST, Routes } from 'discord.js';
import type { EnvConfig } from '../config/env-schema.js';
import { ConfigError } from '../config/load.js';
import { ALL_COMMANDS } from '../../commands/index.js';
import { registerDiscordCommands, type RegistrationResult } from '../platforms/discord/register.js';

/**
 * `opsbot deploy-commands`: registers the slash commands with Discord without starting the bot
 * (the bot also does this at start-up, only when they changed).
 */
export async function deployCommands(env: EnvConfig): Promise<RegistrationResult> {
  if (!env.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: deploy-commands needs the bot token');
  const rest = new REST({ retries: 1, ...(env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {}) }).setToken(env.DISCORD_TOKEN);
  try {
    const applicationId = env.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
    return await registerDiscordCommands(rest, applicationId, env.DISCORD_GUILD_ID, ALL_COMMANDS);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
