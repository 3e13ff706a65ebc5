import { Routes, type REST } from 'discord.js';
import type { CommandShape } from '../../shared/chat.js';
import { comparableCommands, discordCommandBodies } from './definitions.js';

export interface RegistrationResult {
  scope: string;
  changed: boolean;
  count: number;
}

/**
 * Makes Discord's slash commands match our definitions: reads what is registered and only
 * overwrites (one bulk PUT) when something differs. Guild-scoped commands appear at once;
 * global ones can take a while to reach every client.
 */
export async function registerDiscordCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  commands: readonly CommandShape[],
): Promise<RegistrationResult> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const scope = guildId ? `guild ${guildId}` : 'global';
  const wanted = discordCommandBodies(commands);
  const registered = (await rest.get(route)) as unknown[];
  if (comparableCommands(registered) === comparableCommands(wanted)) return { scope, changed: false, count: wanted.length };
  await rest.put(route, { body: wanted });
  return { scope, changed: true, count: wanted.length };
}
