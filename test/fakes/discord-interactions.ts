/**
 * Interactions on the fake: filling an INTERACTION_CREATE payload the way Discord does, and the callback and
 * webhook routes (initial response, @original, follow-ups) with Discord's rules: answer once, within the deadline.
 * Interaction replies are kept here, not in FakeDiscord.messages; a component UPDATE_MESSAGE edits the stored message.
 */
import type { RequestContext, Route } from './discord-http.js';
import { apiError, noContent, ok, type DcMessage, type Reply } from './discord-types.js';
import { checkMessage, FormErrors } from './discord-limits.js';
import { BOT_PERMISSIONS, channelJson, messageJson, randomToken, snowflake } from './discord-payloads.js';
import { applyMessageBody, checkEdit, guildOf, newMessage, unknownMessage, type FakeState } from './discord-rest.js';

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  channelId: string;
  sentAt: number;
  responseType?: number;
  original?: DcMessage;
  /** For component interactions: the id of the message the component is on, and a copy when it is not a stored message. */
  componentMessageId?: string;
  componentMessage?: DcMessage;
  followups: DcMessage[];
}

const unknownInteraction = apiError(404, 10062, 'Unknown interaction');
const unknownWebhook = apiError(404, 10015, 'Unknown Webhook');
const RESPONSE_TYPES = new Set([4, 5, 6, 7, 8, 9]);
const EPHEMERAL = 1 << 6;

function asObject(body: unknown): Record<string, any> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, any>) : {};
}

export class InteractionDesk {
  private readonly byId = new Map<string, InteractionRecord>();

  constructor(private readonly state: FakeState, private readonly timeoutMs: number) {}

  clear(): void {
    this.byId.clear();
  }

  /** Fills what Discord always sends (id, token, application_id, version, channel, entitlements, …) and registers it. */
  prepare(raw: Record<string, any>): Record<string, any> {
    const i: Record<string, any> = { ...raw };
    i.id ??= snowflake();
    i.token ??= randomToken('aW50ZXJhY3Rpb246');
    i.application_id ??= this.state.applicationId;
    i.version ??= 1;
    i.entitlements ??= [];
    i.locale ??= 'en-US';
    i.app_permissions ??= BOT_PERMISSIONS;
    i.attachment_size_limit ??= 26214400;
    const user = i.member?.user ?? i.user;
    if (!user?.id) throw new Error('sendInteraction: give member.user (guild) or user (DM) with an id');
    const fullUser = { discriminator: '0', global_name: null, avatar: null, ...user };
    if (i.member) i.member = { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, permissions: '0', ...i.member, user: fullUser };
    else i.user = fullUser;
    if (i.guild_id) {
      i.guild_locale ??= 'en-US';
      i.context ??= 0;
      i.authorizing_integration_owners ??= { '0': i.guild_id };
    } else {
      i.context ??= 1;
      i.authorizing_integration_owners ??= { '1': fullUser.id };
    }
    i.channel_id ??= i.channel?.id;
    if (i.channel_id && !i.channel) {
      const guild = guildOf(this.state, i.channel_id);
      i.channel = { ...channelJson(i.channel_id, guild), ...(i.guild_id ? { guild_id: i.guild_id } : {}) };
    }
    if (typeof i.message === 'string') {
      const stored = this.state.messages.find((m) => m.id === i.message);
      if (!stored) throw new Error(`sendInteraction: no stored message ${String(i.message)}`);
      i.message = messageJson(stored, this.state.applicationId);
    }
    const record: InteractionRecord = { id: i.id, token: i.token, type: i.type, channelId: i.channel_id ?? '', sentAt: performance.now(), followups: [] };
    record.componentMessageId = i.message?.id;
    if (i.message && !this.state.messages.some((m) => m.id === i.message.id)) {
      record.componentMessage = newMessage(record.channelId, i.message, []);
      record.componentMessage.id = i.message.id;
    }
    this.byId.set(record.id, record);
    return i;
  }

  /** Marks the start of the answer deadline (call when the dispatch reaches the socket). */
  started(id: string): void {
    const record = this.byId.get(id);
    if (record) record.sentAt = performance.now();
  }

  routes(): Route[] {
    const route = (method: string, template: string, handle: Route['handle']): Route => ({ method, template, handle, auth: false });
    return [
      route('POST', '/interactions/:iid/:token/callback', (ctx) => this.callback(ctx)),
      route('GET', '/webhooks/:app/:token/messages/@original', (ctx) => this.readMessage(ctx, true)),
      route('PATCH', '/webhooks/:app/:token/messages/@original', (ctx) => this.editMessage(ctx, true)),
      route('DELETE', '/webhooks/:app/:token/messages/@original', (ctx) => this.deleteMessage(ctx, true)),
      route('POST', '/webhooks/:app/:token', (ctx) => this.followup(ctx)),
      route('GET', '/webhooks/:app/:token/messages/:mid', (ctx) => this.readMessage(ctx, false)),
      route('PATCH', '/webhooks/:app/:token/messages/:mid', (ctx) => this.editMessage(ctx, false)),
      route('DELETE', '/webhooks/:app/:token/messages/:mid', (ctx) => this.deleteMessage(ctx, false)),
    ];
  }

  private record(ctx: RequestContext, kind: 'callback' | 'followup' | 'edit-original' | 'edit-followup', rec: InteractionRecord): void {
    this.state.interactionResponses.push({ interactionId: rec.id, token: rec.token, body: ctx.body, kind });
  }

  private componentTarget(rec: InteractionRecord): DcMessage | undefined {
    if (rec.componentMessageId === undefined) return undefined;
    return this.state.messages.find((m) => m.id === rec.componentMessageId) ?? rec.componentMessage;
  }

  private callback(ctx: RequestContext): Reply {
    const rec = this.byId.get(ctx.params.iid ?? '');
    if (!rec || rec.token !== ctx.params.token) return unknownInteraction;
    if (rec.responseType !== undefined) return apiError(400, 40060, 'Interaction has already been acknowledged.');
    if (performance.now() - rec.sentAt > this.timeoutMs) return unknownInteraction;
    const body = asObject(ctx.body);
    const type = body.type;
    const data = asObject(body.data);
    const hasMessage = rec.componentMessageId !== undefined;
    if (!RESPONSE_TYPES.has(type) || ((type === 6 || type === 7) && !hasMessage)) {
      const errors = new FormErrors();
      errors.add(['type'], 'BASE_TYPE_CHOICES', hasMessage ? 'Value must be one of {4, 5, 6, 7, 8, 9}.' : 'Value must be one of {4, 5, 8, 9}.');
      return errors.reply();
    }
    if (type === 4) {
      const problem = checkMessage(data, { prefix: ['data'], hasFiles: ctx.files.length > 0 });
      if (problem) return problem;
      rec.original = newMessage(rec.channelId, data, ctx.files);
    } else if (type === 5) {
      rec.original = newMessage(rec.channelId, { flags: data.flags }, []);
    } else if (type === 7) {
      const target = this.componentTarget(rec);
      if (target) {
        const problem = checkEdit(target, data, ['data']);
        if (problem) return problem;
        applyMessageBody(target, data);
        target.editedAt = Date.now();
        target.edits++;
      }
    }
    rec.responseType = type;
    this.record(ctx, 'callback', rec);
    if (ctx.query.get('with_response') !== 'true') return noContent;
    const message = type === 4 || type === 5 ? rec.original : type === 7 ? this.componentTarget(rec) : undefined;
    return ok({
      interaction: {
        id: rec.id, type: rec.type, response_message_id: message?.id, response_message_loading: type === 5,
        response_message_ephemeral: ((message?.flags ?? 0) & EPHEMERAL) !== 0,
      },
      resource: { type, ...(message ? { message: this.json(message) } : {}) },
    });
  }

  private json(message: DcMessage) {
    const appId = this.state.applicationId;
    return messageJson(message, appId, { webhook_id: appId, application_id: appId });
  }

  private byToken(ctx: RequestContext): InteractionRecord | undefined {
    if (ctx.params.app !== this.state.applicationId) return undefined;
    for (const rec of this.byId.values()) if (rec.token === ctx.params.token) return rec;
    return undefined;
  }

  private target(rec: InteractionRecord, original: boolean, ctx: RequestContext): DcMessage | undefined {
    if (!original) return rec.followups.find((m) => m.id === ctx.params.mid);
    if (rec.responseType === 4 || rec.responseType === 5) return rec.original;
    if (rec.responseType === 6 || rec.responseType === 7) return this.componentTarget(rec);
    return undefined;
  }

  private readMessage(ctx: RequestContext, original: boolean): Reply {
    const rec = this.byToken(ctx);
    if (!rec) return unknownWebhook;
    const message = this.target(rec, original, ctx);
    return message ? ok(this.json(message)) : unknownMessage;
  }

  private editMessage(ctx: RequestContext, original: boolean): Reply {
    const rec = this.byToken(ctx);
    if (!rec) return unknownWebhook;
    const message = this.target(rec, original, ctx);
    if (!message) return unknownMessage;
    const body = asObject(ctx.body);
    const problem = checkEdit(message, body);
    if (problem) return problem;
    applyMessageBody(message, body);
    message.editedAt = Date.now();
    message.edits++;
    this.record(ctx, original ? 'edit-original' : 'edit-followup', rec);
    return ok(this.json(message));
  }

  private deleteMessage(ctx: RequestContext, original: boolean): Reply {
    const rec = this.byToken(ctx);
    if (!rec) return unknownWebhook;
    const message = this.target(rec, original, ctx);
    if (!message) return unknownMessage;
    const list = original ? this.state.messages : rec.followups;
    if (message === rec.original) rec.original = undefined;
    else if (list.includes(message)) list.splice(list.indexOf(message), 1);
    return noContent;
  }

  private followup(ctx: RequestContext): Reply {
    const rec = this.byToken(ctx);
    if (!rec || rec.responseType === undefined) return unknownWebhook;
    const body = asObject(ctx.body);
    const problem = checkMessage(body, { hasFiles: ctx.files.length > 0 });
    if (problem) return problem;
    const message = newMessage(rec.channelId, body, ctx.files);
    rec.followups.push(message);
    this.record(ctx, 'followup', rec);
    return ctx.query.get('wait') === 'true' ? ok(this.json(message)) : noContent;
  }
}
