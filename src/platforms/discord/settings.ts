import { z } from 'zod';
import { optionalText, optionalUrl } from '../../shared/env-fields.js';
import { chatIds, definePlatformSettings, idToRole } from '../settings-contract.js';

export const discordSettings = definePlatformSettings({
  name: 'discord',
  env: {
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText,
    /** Discord wants an answer within 3 s: a command still running after this many ms is deferred. */
    DISCORD_DEFER_AFTER_MS: z.coerce.number().int().min(0).max(2_500).default(2_000),
    /** Register slash commands in this guild only (instant) instead of globally. */
    DISCORD_GUILD_ID: optionalText,
    DISCORD_API_URL: optionalUrl(['http://', 'https://']),
  },
  secretEnv: ['DISCORD_TOKEN'],
  access: z.strictObject({ users: idToRole, roles: idToRole }).default({ users: {}, roles: {} }),
  mentions: z.strictObject({ users: chatIds, roles: chatIds }).default({ users: [], roles: [] }),
  pacing: {
    destinations: { discordChannel: { intervalMs: 1_000, burst: 5 } },
    destinationKey: () => 'discordChannel',
    global: { key: 'discordGlobal', default: { perSecond: 45, burst: 4 } },
  },
  /** Discord's message links name the guild: known when `DISCORD_GUILD_ID` is set. */
  messageLink(channelId, messageId, env) {
    return typeof env.DISCORD_GUILD_ID === 'string' ? `https://discord.com/channels/${env.DISCORD_GUILD_ID}/${channelId}/${messageId}` : null;
  },
  grants(access, who) {
    const byUser = access.users[who.userId];
    const byRoles = who.roleIds.map((roleId) => access.roles[roleId]);
    return [byUser, ...byRoles].filter((role) => role !== undefined);
  },
});
