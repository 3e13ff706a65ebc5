/** Wire objects shaped like Discord's (users, channels, guilds, messages) and snowflake ids. */
import { randomBytes } from 'node:crypto';
import type { DcGuild, DcMessage } from './discord-types.js';

const DISCORD_EPOCH = 1420070400000n;
let lastSnowflake = 0n;

/** A unique, increasing snowflake whose timestamp part is now (so discord.js's createdAt is sane). */
export function snowflake(): string {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastSnowflake = now > lastSnowflake ? now : lastSnowflake + 1n;
  return lastSnowflake.toString();
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** ViewChannel, SendMessages, EmbedLinks, AttachFiles, ReadMessageHistory, AddReactions, UseApplicationCommands, UseExternalEmojis. */
export const BOT_PERMISSIONS = (
  (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 6n) | (1n << 31n) | (1n << 18n)
).toString();

export function botUser(id: string) {
  return { id, username: 'opsbot', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0, public_flags: 0 };
}

export function selfUser(id: string) {
  return { ...botUser(id), verified: true, mfa_enabled: false, locale: 'en-US', email: null, premium_type: 0 };
}

export function application(id: string) {
  return {
    id, name: 'opsbot', icon: null, description: '', summary: '', type: null, bot_public: false,
    bot_require_code_grant: false, verify_key: '0'.repeat(64), flags: 0, team: null, hook: true,
    owner: { id: '1', username: 'owner', discriminator: '0', global_name: null, avatar: null, flags: 0 },
    bot: botUser(id), approximate_guild_count: 1, redirect_uris: [], interactions_endpoint_url: null,
  };
}

export function channelJson(id: string, guild: DcGuild | undefined, position = 0) {
  const name = guild ? `channel-${guild.channels.indexOf(id) + 1}` : `channel-${id}`;
  return {
    id, type: 0, name, position, permission_overwrites: [], topic: null, nsfw: false, last_message_id: null,
    rate_limit_per_user: 0, parent_id: null, flags: 0, ...(guild ? { guild_id: guild.id } : {}),
  };
}

export function guildCreate(guild: DcGuild, botId: string) {
  const joinedAt = new Date().toISOString();
  return {
    id: guild.id, name: guild.name ?? `guild-${guild.id}`, icon: null, splash: null, discovery_splash: null,
    owner_id: '1', application_id: null, afk_channel_id: null, afk_timeout: 300, verification_level: 0,
    default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, nsfw_level: 0,
    roles: [{
      id: guild.id, name: '@everyone', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: BOT_PERMISSIONS, managed: false,
      mentionable: false, flags: 0,
    }],
    emojis: [], stickers: [], features: [], system_channel_id: null, system_channel_flags: 0, rules_channel_id: null,
    public_updates_channel_id: null, safety_alerts_channel_id: null, vanity_url_code: null, description: null,
    banner: null, premium_tier: 0, premium_subscription_count: 0, premium_progress_bar_enabled: false,
    preferred_locale: 'en-US', max_members: 500000, max_video_channel_users: 25,
    joined_at: joinedAt, large: false, unavailable: false, member_count: 1, lazy: true,
    voice_states: [], presences: [], threads: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    members: [{ user: botUser(botId), roles: [], joined_at: joinedAt, deaf: false, mute: false, flags: 0, nick: null, avatar: null }],
    channels: guild.channels.map((id, i) => {
      const { guild_id: _omitted, ...channel } = channelJson(id, guild, i);
      return channel;
    }),
  };
}

export function messageJson(m: DcMessage, botId: string, extra: Record<string, unknown> = {}) {
  return {
    id: m.id, type: m.messageReference ? 19 : 0, channel_id: m.channelId, author: botUser(botId),
    content: m.content, timestamp: new Date(m.createdAt).toISOString(),
    edited_timestamp: m.editedAt === undefined ? null : new Date(m.editedAt).toISOString(),
    tts: false, mention_everyone: false, mentions: [], mention_roles: [], mention_channels: [],
    attachments: (m.attachments ?? []).map((a) => ({ ...a, url: `https://cdn.invalid/${a.id}/${a.filename}`, proxy_url: `https://cdn.invalid/${a.id}/${a.filename}` })),
    embeds: m.embeds.map((e) => ({ type: 'rich', ...e })), components: m.components, pinned: false,
    flags: m.flags ?? 0, reactions: [],
    ...(m.nonce === undefined ? {} : { nonce: m.nonce }),
    ...(m.messageReference ? { message_reference: { type: 0, channel_id: m.channelId, ...m.messageReference } } : {}),
    ...extra,
  };
}
