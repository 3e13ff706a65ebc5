import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { EnvConfig } from '../../config/env-schema.js';
import type { SetupCheck } from '../../shared/setup-check.js';

const ADMINISTRATOR = 1n << 3n;
/** What opsbot needs in a channel: to see it, post in it, post embeds (an alert is one) and reply to its own messages (the "Resolved" reply). */
const NEEDED: Array<[bigint, string]> = [
  [1n << 10n, 'View Channel'],
  [1n << 11n, 'Send Messages'],
  [1n << 14n, 'Embed Links'],
  [1n << 16n, 'Read Message History'],
];

interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}
interface Channel {
  id: string;
  name?: string;
  guild_id?: string;
  permission_overwrites?: Overwrite[];
}
interface Guild {
  id: string;
  owner_id: string;
  roles: Array<{ id: string; permissions: string }>;
}
interface Member {
  roles: string[];
}

/**
 * What the bot may do in a guild channel, worked out as Discord does: @everyone and the member's
 * roles, Administrator allowing all, then the channel's overwrites for @everyone, the roles and the member.
 */
export function channelPermissions(guild: Guild, member: Member, memberId: string, overwrites: Overwrite[]): bigint {
  if (guild.owner_id === memberId) return ~0n;
  const roleBits = (id: string) => BigInt(guild.roles.find((role) => role.id === id)?.permissions ?? '0');
  let bits = [guild.id, ...member.roles].reduce((sum, id) => sum | roleBits(id), 0n);
  if (bits & ADMINISTRATOR) return ~0n;
  const apply = (matching: Overwrite[]) => {
    const deny = matching.reduce((sum, o) => sum | BigInt(o.deny), 0n);
    const allow = matching.reduce((sum, o) => sum | BigInt(o.allow), 0n);
    bits = (bits & ~deny) | allow;
  };
  apply(overwrites.filter((o) => o.type === 0 && o.id === guild.id));
  apply(overwrites.filter((o) => o.type === 0 && member.roles.includes(o.id)));
  apply(overwrites.filter((o) => o.type === 1 && o.id === memberId));
  return bits;
}

const FIND_ID = 'Discord: User Settings → Advanced → Developer Mode, then right-click the channel → Copy Channel ID';

/** `opsbot doctor` for Discord: the token, and for each channel opsbot posts to, that the bot can see it and post alerts in it. */
export async function checkDiscordSetup(env: EnvConfig, channels: string[], timeoutMs: number): Promise<SetupCheck[]> {
  if (!env.DISCORD_TOKEN) {
    return channels.length === 0
      ? [{ check: 'discord', ok: true, detail: 'not used (no DISCORD_TOKEN, no Discord channel in the config)' }]
      : [{ check: 'discord token', ok: false, detail: `DISCORD_TOKEN is not set: alerts for ${channels.length} Discord channel(s) wait unsent`, fix: 'set DISCORD_TOKEN to the bot token (Developer Portal → your application → Bot → Reset Token)' }];
  }
  const rest = new REST({ retries: 0, timeout: timeoutMs, ...(env.DISCORD_API_URL ? { api: env.DISCORD_API_URL } : {}) }).setToken(env.DISCORD_TOKEN);
  let me: { id: string; username: string };
  try {
    me = (await rest.get(Routes.user('@me'))) as typeof me;
  } catch (error) {
    const refused = error instanceof DiscordAPIError && error.status === 401;
    return [
      {
        check: 'discord token',
        ok: false,
        detail: refused ? 'Discord refused DISCORD_TOKEN (401)' : `cannot reach Discord${env.DISCORD_API_URL ? ` at ${env.DISCORD_API_URL}` : ''}: ${message(error)}`,
        fix: refused ? 'copy the token again (Developer Portal → Bot → Reset Token)' : 'check the network, or DISCORD_API_URL',
      },
    ];
  }
  const checks: SetupCheck[] = [{ check: 'discord token', ok: true, detail: `signed in as ${me.username} (${me.id})` }];
  for (const id of channels) checks.push(await checkChannel(rest, me.id, id));
  return checks;
}

async function checkChannel(rest: REST, botId: string, id: string): Promise<SetupCheck> {
  const check = `discord channel ${id}`;
  try {
    const channel = (await rest.get(Routes.channel(id))) as Channel;
    const name = channel.name ? `#${channel.name}` : `channel ${id}`;
    if (!channel.guild_id) return { check, ok: true, detail: `${name}: the bot can post here` };
    const [guild, member] = (await Promise.all([rest.get(Routes.guild(channel.guild_id)), rest.get(Routes.guildMember(channel.guild_id, botId))])) as [Guild, Member];
    const bits = channelPermissions(guild, member, botId, channel.permission_overwrites ?? []);
    const missing = NEEDED.filter(([bit]) => (bits & bit) === 0n).map(([, label]) => label);
    if (missing.length === 0) return { check, ok: true, detail: `${name}: the bot can post alerts here` };
    return { check, ok: false, detail: `${name}: the bot lacks ${missing.join(', ')}`, fix: `allow the bot's role ${missing.join(', ')} in ${name} (Edit Channel → Permissions)` };
  } catch (error) {
    if (error instanceof DiscordAPIError && (error.status === 403 || error.code === 50001)) {
      return { check, ok: false, detail: `the bot cannot see channel ${id} (${error.message})`, fix: 'invite the bot to that server (scopes bot and applications.commands) and let it View Channel there' };
    }
    if (error instanceof DiscordAPIError && error.status === 404) {
      return { check, ok: false, detail: `no channel ${id} (${error.message})`, fix: `check the id in the config (${FIND_ID})` };
    }
    return { check, ok: false, detail: `could not check channel ${id}: ${message(error)}`, fix: 'run opsbot doctor again; check the network' };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
