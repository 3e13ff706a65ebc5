/**
 * A fake Telegram Bot API server for the real telegraf client:
 * `new Telegraf(token, { telegram: { apiRoot: fake.apiRoot } })`.
 *
 * It speaks the wire protocol (`POST ${apiRoot}/bot<token>/<method>`, answers
 * `{ ok: true, result }` / `{ ok: false, error_code, description, parameters? }`), enforces the
 * limits real Telegram enforces, records what it was asked, and can be scripted to answer 429,
 * 5xx, an arbitrary error, or nothing at all.
 *
 * Not modelled: multipart uploads, calling a webhook, the global 30 msg/s limit, Markdown parsing
 * (Markdown text is stored as sent), inline-mode messages.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TgEntity } from './telegram-html.js';
import { chatIdParam, readParams, stringParam, TgApiError, type Params } from './telegram-http.js';
import { apiMessage, botUser, chatObject, completeUpdate, DEFAULT_USER, wireId } from './telegram-objects.js';
import { MessageStore } from './telegram-messages.js';
import { ScriptedAnswers, scriptedError, type TgScript } from './telegram-scripts.js';
import { UpdateQueue, type Update } from './telegram-updates.js';
import { CallbackQueries, type TgCallbackAnswer } from './telegram-callbacks.js';
import { BotCommandRegistry, type BotCommand } from './telegram-commands.js';

export type { TgEntity } from './telegram-html.js';
export { parseTelegramHtml } from './telegram-html.js';
export { DEFAULT_USER } from './telegram-objects.js';
export type { TgCallbackAnswer } from './telegram-callbacks.js';
export type { BotCommand } from './telegram-commands.js';
export type { TgScript } from './telegram-scripts.js';

export interface TgMessage {
  chatId: string;
  messageId: number;
  /** Visible text after entity parsing (tags stripped, entities decoded, trimmed as Telegram does). */
  text: string;
  /** Raw text as sent. */
  html: string;
  parseMode?: string;
  replyToMessageId?: number;
  replyMarkup?: unknown;
  /** Unix seconds. */
  date: number;
  /** Successful editMessageText and editMessageReplyMarkup calls on this message. */
  edits: number;
  /** Formatting entities Telegram derived from the HTML (UTF-16 offsets). */
  entities: TgEntity[];
  editDate?: number;
}

export interface TgCall {
  method: string;
  token: string;
  payload: Record<string, unknown>;
  /** performance.now() at arrival. */
  at: number;
  /** HTTP status answered; 0 while unanswered (hanging, long-polling, or abandoned by the client). */
  status: number;
}

export interface FakeTelegramOptions {
  port?: number;
  /** Accept only this token; any other gets 401 Unauthorized. */
  token?: string;
  /** Per-chat pacing: >1 msg/s in a private chat, >20/min in a group (negative id) → 429. */
  rateLimit?: boolean;
  /** Unknown named HTML entities (`&nbsp;`) are errors (default) instead of literal text as in real Telegram. */
  strictEntities?: boolean;
}

type Handler = (params: Params, call: TgCall, res: ServerResponse) => unknown;

const HANG = Symbol('hang');

export class FakeTelegram {
  /** Every message currently stored, in send order (deleted ones are removed). */
  readonly messages: TgMessage[];
  readonly calls: TgCall[] = [];
  /** Every accepted answerCallbackQuery, in order. */
  readonly callbackAnswers: TgCallbackAnswer[];
  private readonly updates = new UpdateQueue();
  private readonly scripts = new ScriptedAnswers();
  private readonly rejected = new Map<string, TgApiError>();
  private readonly botMembership = new Map<string, { status: string; rights: Record<string, unknown> }>();
  private readonly store: MessageStore;
  private readonly callbacks = new CallbackQueries();
  private readonly commands = new BotCommandRegistry();
  private readonly hanging = new Set<ServerResponse>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
    private readonly options: FakeTelegramOptions,
  ) {
    this.store = new MessageStore({ rateLimit: options.rateLimit ?? false, strictEntities: options.strictEntities ?? true });
    this.messages = this.store.messages;
    this.callbackAnswers = this.callbacks.answers;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
  }

  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new FakeTelegram(server, `http://127.0.0.1:${port}`, opts);
  }

  inChat(chatId: string | number): TgMessage[] {
    return this.messages.filter((m) => m.chatId === String(chatId));
  }

  /** The next `times` calls of `method` (or of any method, `'*'`) answer with `behaviour`. */
  script(method: string, behaviour: TgScript, times = 1): void {
    this.scripts.add(method, behaviour, times);
  }

  /** Every call naming this chat_id fails, e.g. 403 'Forbidden: bot was kicked from the group chat'. */
  rejectChat(chatId: string | number, code: number, description: string): void {
    this.rejected.set(String(chatId), new TgApiError(code, description));
  }

  /** What getChatMember says of the bot in a chat, e.g. `restricted` with `{ can_send_messages: false }`, or a channel's `administrator` rights. */
  setBotMembership(chatId: string | number, status: string, rights: Record<string, unknown> = {}): void {
    this.botMembership.set(String(chatId), { status, rights });
  }

  /** Undoes `rejectChat`: the chat accepts calls again (the bot was added back, say). */
  allowChat(chatId: string | number): void {
    this.rejected.delete(String(chatId));
  }

  /** Called for each accepted sendMessage (not for edits); returns the unsubscribe function. */
  onMessage(listener: (m: TgMessage) => void): () => void {
    return this.store.onMessage(listener);
  }

  /**
   * Polls `probe` every 10 ms until it returns something other than undefined, null or false;
   * on timeout (default 5 s) rejects with what the fake holds and was last asked.
   */
  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = probe();
        if (value !== undefined && value !== null && value !== false) return value as T;
      } catch (error) {
        lastError = error;
      }
      if (performance.now() >= deadline) {
        const why = lastError === undefined ? '' : ` (last probe threw: ${String(lastError)})`;
        throw new Error(`FakeTelegram.waitFor: condition not met within ${timeoutMs} ms${why}. ${this.describe()}`);
      }
      await sleep(10);
    }
  }

  /** Queues an update for getUpdates, completed with what Telegram always sends (see completeUpdate). */
  pushUpdate(update: Record<string, unknown>): Update {
    const full = completeUpdate(update, {
      nextMessageId: (chatId) => this.store.nextMessageId(chatId),
      nextCallbackQueryId: () => this.callbacks.nextId(),
    });
    const query = full.callback_query as { id?: unknown } | undefined;
    if (typeof query?.id === 'string') this.callbacks.opened(query.id);
    return this.updates.push(full);
  }

  /** A user (default: DEFAULT_USER) writes `text` in the chat. */
  pushText(chatId: string | number, text: string, from: Record<string, unknown> = DEFAULT_USER): Update {
    return this.pushUpdate({ message: { chat: { id: wireId(String(chatId)) }, from, text } });
  }

  /** A user presses the inline button carrying `data` under a message the bot sent. */
  pushCallback(message: TgMessage, data: string, from: Record<string, unknown> = DEFAULT_USER): Update {
    const bot = botUser(this.options.token ?? '');
    return this.pushUpdate({ callback_query: { from, message: apiMessage(message, bot), data } });
  }

  /** Commands stored by setMyCommands for a scope (default `{type:'default'}`) and language. */
  commandsFor(scope?: Record<string, unknown>, languageCode?: string): BotCommand[] {
    return this.commands.for(scope, languageCode);
  }

  /** Clears messages, calls, scripts, rejected chats, queued updates and callback answers. */
  reset(): void {
    this.store.reset();
    this.calls.length = 0;
    this.callbacks.reset();
    this.scripts.clear();
    this.rejected.clear();
    this.botMembership.clear();
    this.updates.clear();
  }

  /**
   * Answers waiting long polls with `[]`, drops hanging requests and closes every connection.
   * Stop a launched bot first: a bot still polling a closed fake sleeps 5 s between retries.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.updates.release();
    await new Promise((resolve) => setImmediate(resolve));
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? '/', this.apiRoot);
    const route = /^\/bot([^/]+)\/(?:test\/)?([^/]+)\/?$/.exec(url.pathname);
    const call: TgCall = { method: route?.[2] ?? '', token: route?.[1] ?? '', payload: {}, at, status: 0 };
    this.calls.push(call);
    try {
      call.payload = await readParams(req, url);
      if (!route) throw new TgApiError(404, 'Not Found');
      const result: unknown = await this.dispatch(call, res);
      if (result !== HANG) this.answer(call, res, 200, { ok: true, result });
    } catch (error) {
      const failure = error instanceof TgApiError ? error : new TgApiError(500, `Internal Server Error: ${String(error)}`);
      this.answer(call, res, failure.httpStatus, failure.body());
    }
  }

  private answer(call: TgCall, res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private dispatch(call: TgCall, res: ServerResponse): unknown {
    if (this.options.token !== undefined && call.token !== this.options.token) throw new TgApiError(401, 'Unauthorized');
    const script = this.scripts.take(call.method);
    if (script) return this.play(script, res);
    const handler = this.handlers[call.method.toLowerCase()];
    if (!handler) throw new TgApiError(404, 'Not Found: method not found');
    const chatId = stringParam(call.payload, 'chat_id');
    const rejection = chatId === undefined ? undefined : this.rejected.get(chatId);
    if (rejection) throw rejection;
    return handler(call.payload, call, res);
  }

  private play(script: TgScript, res: ServerResponse): typeof HANG {
    if (script.kind !== 'hang') throw scriptedError(script);
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
    return HANG;
  }

  private readonly handlers: Record<string, Handler> = {
    getme: (_p, call) => botUser(call.token),
    getupdates: (p, _call, res) => this.getUpdates(p, res),
    setwebhook: (p) => this.updates.setWebhook(p),
    deletewebhook: (p) => this.updates.setWebhook({ drop_pending_updates: p.drop_pending_updates, url: '' }),
    getwebhookinfo: () => this.updates.webhookInfo(),
    sendmessage: (p, call) => this.store.send(p, botUser(call.token)),
    editmessagetext: (p, call) => this.store.editText(p, botUser(call.token)),
    editmessagereplymarkup: (p, call) => this.store.editMarkup(p, botUser(call.token)),
    deletemessage: (p) => this.store.delete(p),
    answercallbackquery: (p) => this.callbacks.answer(p),
    setmycommands: (p) => this.commands.set(p),
    getmycommands: (p) => this.commands.get(p),
    deletemycommands: (p) => this.commands.delete(p),
    getchat: (p) => ({ ...chatObject(chatIdParam(p)), accent_color_id: 0, max_reaction_count: 11 }),
    getchatmember: (p, call) => this.memberOf(chatIdParam(p), stringParam(p, 'user_id'), botUser(call.token)),
  };

  /** The bot's membership in a chat, as getChatMember tells it: a member unless a test set it otherwise. */
  private memberOf(chatId: string, userId: string | undefined, bot: Record<string, unknown>): Record<string, unknown> {
    if (userId !== String(bot.id)) throw new TgApiError(400, 'Bad Request: user not found');
    const set = this.botMembership.get(chatId);
    return { user: bot, status: set?.status ?? 'member', ...set?.rights };
  }

  private getUpdates(p: Params, res: ServerResponse): Promise<Update[]> | Update[] {
    if (this.closed) return [];
    return this.updates.getUpdates(p, (cancel) => res.on('close', cancel));
  }

  private describe(): string {
    const messages = this.messages.slice(-5).map((m) => `[${m.chatId}#${m.messageId}] ${JSON.stringify(m.text.slice(0, 80))}`);
    const calls = this.calls.slice(-10).map((c) => `${c.method}→${c.status || 'pending'}`);
    return `Fake Telegram holds ${this.messages.length} message(s)${messages.length ? `, last: ${messages.join('; ')}` : ''}; last calls: ${calls.join(', ') || 'none'}.`;
  }
}
