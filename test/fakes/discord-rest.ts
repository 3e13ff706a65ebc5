/** REST routes of the fake Discord API: gateway info, identity, channel messages, application commands. */
import type { Route, RequestContext } from './discord-http.js';
import { apiError, noContent, ok, type DcGuild, type DcInteractionResponse, type DcMessage, type Reply } from './discord-types.js';
import { checkCommands, checkMessage, emptyMessageError, isEmptyMessage, isSnowflake, messageFormErrors, snowflakeError } from './discord-limits.js';
import { application, channelJson, guildCreate, messageJson, selfUser, snowflake } from './discord-payloads.js';

/** What the routes share with FakeDiscord. */
export interface FakeState {
  readonly applicationId: string;
  readonly guilds: DcGuild[];
  readonly messages: DcMessage[];
  readonly commands: { global: any[]; guild: Record<string, any[]> };
  readonly interactionResponses: DcInteractionResponse[];
  readonly rejectedChannels: Map<string, Reply>;
  /** Permission overwrites per channel (Discord's `permission_overwrites`), none unless a test sets them. */
  readonly channelOverwrites: Map<string, Array<{ id: string; type: 0 | 1; allow: string; deny: string }>>;
  gatewayUrl(): string;
  messageAccepted(message: DcMessage): void;
}

const NONCE_WINDOW_MS = 2 * 60 * 1000;

export const unknownMessage = apiError(404, 10008, 'Unknown Message');

export function guildOf(state: FakeState, channelId: string): DcGuild | undefined {
  return state.guilds.find((g) => g.channels.includes(channelId));
}

/** Fields of a create/edit body that become the stored message. */
export function applyMessageBody(target: DcMessage, body: Record<string, any>): void {
  if ('content' in body) target.content = body.content ?? '';
  if ('embeds' in body) target.embeds = body.embeds ?? [];
  if ('components' in body) target.components = body.components ?? [];
  if ('allowed_mentions' in body) target.allowedMentions = body.allowed_mentions;
  if ('flags' in body && typeof body.flags === 'number') target.flags = body.flags;
}

export function newMessage(channelId: string, body: Record<string, any>, files: RequestContext['files']): DcMessage {
  const message: DcMessage = { id: snowflake(), channelId, content: '', embeds: [], components: [], edits: 0, createdAt: Date.now() };
  applyMessageBody(message, body);
  if (body.message_reference?.message_id) message.messageReference = { ...body.message_reference };
  if (body.nonce !== undefined) message.nonce = body.nonce;
  if (files.length > 0) message.attachments = files.map((f) => ({ id: snowflake(), filename: f.name, size: f.size }));
  return message;
}

/** Checks an edit body and the message it would produce; null when acceptable. */
export function checkEdit(target: DcMessage, body: Record<string, any>, prefix: Array<string | number> = []): Reply | null {
  const errors = messageFormErrors(body, prefix);
  if (!errors.empty) return errors.reply();
  const merged = { ...target, attachments: target.attachments ?? [] };
  applyMessageBody(merged, body);
  return isEmptyMessage(merged) ? emptyMessageError : null;
}

function asObject(body: unknown): Record<string, any> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, any>) : {};
}

export function restRoutes(state: FakeState): Route[] {
  const botId = state.applicationId;
  const route = (method: string, template: string, handle: Route['handle'], auth = true): Route => ({ method, template, handle, auth });

  /** Path checks shared by every /channels/:id route; null when the channel can be used. */
  const channelProblem = (ctx: RequestContext): Reply | null => {
    const id = ctx.params.id ?? '';
    if (!isSnowflake(id)) return snowflakeError('channel_id', id);
    return state.rejectedChannels.get(id) ?? null;
  };
  const findMessage = (ctx: RequestContext) =>
    state.messages.find((m) => m.id === ctx.params.mid && m.channelId === ctx.params.id);

  const createMessage = (ctx: RequestContext): Reply => {
    const channelId = ctx.params.id ?? '';
    const body = asObject(ctx.body);
    const problem = checkMessage(body, { hasFiles: ctx.files.length > 0 });
    if (problem) return problem;
    const ref = body.message_reference;
    if (ref?.message_id && ref.fail_if_not_exists !== false && !state.messages.some((m) => m.id === ref.message_id)) {
      const errors = messageFormErrors({});
      errors.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      return errors.reply();
    }
    if (body.enforce_nonce === true && body.nonce !== undefined) {
      const earlier = state.messages.find((m) => m.channelId === channelId && m.nonce === body.nonce && Date.now() - m.createdAt < NONCE_WINDOW_MS);
      if (earlier) return ok(messageJson(earlier, botId));
    }
    const message = newMessage(channelId, body, ctx.files);
    state.messages.push(message);
    state.messageAccepted(message);
    return ok(messageJson(message, botId));
  };

  const editMessage = (ctx: RequestContext): Reply => {
    const target = findMessage(ctx);
    if (!target) return unknownMessage;
    const body = asObject(ctx.body);
    const problem = checkEdit(target, body);
    if (problem) return problem;
    applyMessageBody(target, body);
    target.editedAt = Date.now();
    target.edits++;
    return ok(messageJson(target, botId));
  };

  const withChannel = (handle: Route['handle']): Route['handle'] => (ctx) => channelProblem(ctx) ?? handle(ctx);

  const commandsFor = (ctx: RequestContext, store: (list: any[]) => void, read: () => any[]) => ({
    put(): Reply {
      if (ctx.params.app !== state.applicationId) return apiError(403, 50001, 'Missing Access');
      const problem = checkCommands(ctx.body);
      if (problem) return problem;
      const list = (ctx.body as any[]).map((c) => ({
        id: snowflake(), application_id: state.applicationId, version: snowflake(), type: 1, description: '',
        default_member_permissions: null, nsfw: false, integration_types: [0], contexts: null,
        ...(ctx.params.guild ? { guild_id: ctx.params.guild } : {}), ...c,
      }));
      store(list);
      return ok(list);
    },
    get(): Reply {
      if (ctx.params.app !== state.applicationId) return apiError(403, 50001, 'Missing Access');
      return ok(read());
    },
  });
  const globalCommands = (ctx: RequestContext) =>
    commandsFor(ctx, (list) => (state.commands.global = list), () => state.commands.global);
  const guildCommands = (ctx: RequestContext) => {
    const guild = ctx.params.guild ?? '';
    return commandsFor(ctx, (list) => (state.commands.guild[guild] = list), () => state.commands.guild[guild] ?? []);
  };

  return [
    route('GET', '/gateway/bot', () => ok({
      url: state.gatewayUrl(), shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    })),
    route('GET', '/gateway', () => ok({ url: state.gatewayUrl() }), false),
    route('GET', '/users/@me', () => ok(selfUser(botId))),
    route('GET', '/applications/@me', () => ok(application(botId))),
    route('GET', '/channels/:id', withChannel((ctx) => {
      const id = ctx.params.id ?? '';
      const guild = guildOf(state, id);
      return ok({ ...channelJson(id, guild, guild ? guild.channels.indexOf(id) : 0), permission_overwrites: state.channelOverwrites.get(id) ?? [] });
    })),
    route('GET', '/guilds/:guild', (ctx) => {
      const guild = state.guilds.find((g) => g.id === ctx.params.guild);
      return guild ? ok(guildCreate(guild, botId)) : apiError(404, 10004, 'Unknown Guild');
    }),
    route('GET', '/guilds/:guild/members/:user', (ctx) => {
      const guild = state.guilds.find((g) => g.id === ctx.params.guild);
      if (!guild) return apiError(404, 10004, 'Unknown Guild');
      if (ctx.params.user !== botId) return apiError(404, 10007, 'Unknown Member');
      return ok({ user: selfUser(botId), roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 });
    }),
    route('POST', '/channels/:id/messages', withChannel(createMessage)),
    route('POST', '/channels/:id/typing', withChannel(() => noContent)),
    route('GET', '/channels/:id/messages/:mid', withChannel((ctx) => {
      const found = findMessage(ctx);
      return found ? ok(messageJson(found, botId)) : unknownMessage;
    })),
    route('PATCH', '/channels/:id/messages/:mid', withChannel(editMessage)),
    route('DELETE', '/channels/:id/messages/:mid', withChannel((ctx) => {
      const found = findMessage(ctx);
      if (!found) return unknownMessage;
      state.messages.splice(state.messages.indexOf(found), 1);
      return noContent;
    })),
    route('PUT', '/applications/:app/commands', (ctx) => globalCommands(ctx).put()),
    route('GET', '/applications/:app/commands', (ctx) => globalCommands(ctx).get()),
    route('PUT', '/applications/:app/guilds/:guild/commands', (ctx) => guildCommands(ctx).put()),
    route('GET', '/applications/:app/guilds/:guild/commands', (ctx) => guildCommands(ctx).get()),
  ];
}
