import { createHash, timingSafeEqual } from 'node:crypto';
import { Telegraf, type Context } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from 'pino';
import { decodeAction } from '../render/actions.js';
import { parseCommandText, positionalArgs } from './parse.js';
import { callbackAnswerText, telegramReply } from './reply.js';
import { registerTelegramWebhook } from './webhook.js';
import type { ChatFrontEnd, WebhookRoute } from '../platform.js';
import type { CommandMenu, Invocation, Invoker } from '../../shared/chat.js';

export interface TelegramChatOptions {
  token: string;
  apiRoot?: string;
  /** Set to receive updates by webhook (Telegram pushes to this URL) instead of long polling. */
  webhookUrl?: string;
  webhookSecret?: string;
}

const RELAUNCH_AFTER_MS = 5_000;

/**
 * Telegram bot commands and inline-button presses, by long polling (default) or webhook. Parsing
 * and rendering only: every invocation goes to the shared command runner (a CommandMenu).
 */
export class TelegramChat implements ChatFrontEnd {
  readonly bot: Telegraf;
  readonly webhookSecret: string;
  private username = '';
  private stopping = false;
  private relaunch: NodeJS.Timeout | undefined;
  /** Long polling runs, or the webhook is set. */
  private connected = false;

  constructor(
    private readonly options: TelegramChatOptions,
    private readonly runner: CommandMenu,
    private readonly log: Logger,
  ) {
    this.bot = new Telegraf(options.token, options.apiRoot ? { telegram: { apiRoot: options.apiRoot } } : {});
    this.webhookSecret = options.webhookSecret ?? createHash('sha256').update(`opsbot-webhook:${options.token}`).digest('hex').slice(0, 48);
    this.bot.on('message', (ctx) => this.onMessage(ctx));
    this.bot.on('callback_query', (ctx) => this.onCallback(ctx));
    this.bot.catch((error, ctx) => this.log.error({ err: error, updateId: ctx.update.update_id }, 'telegram update failed'));
  }

  /** The route Telegram posts updates to in webhook mode, or null when polling. */
  get webhook(): WebhookRoute | null {
    if (!this.options.webhookUrl) return null;
    const path = new URL(this.options.webhookUrl).pathname;
    return { path, register: (app) => registerTelegramWebhook(app, this, path) };
  }

  async start(): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.bot.botInfo = me;
    this.username = me.username;
    await this.bot.telegram.setMyCommands(this.runner.commands.map((c) => ({ command: c.name, description: c.description })));
    if (this.options.webhookUrl) {
      await this.bot.telegram.setWebhook(this.options.webhookUrl, { secret_token: this.webhookSecret, allowed_updates: ['message', 'callback_query'] });
      this.log.info({ url: this.options.webhookUrl, bot: `@${me.username}` }, 'telegram webhook set');
      this.connected = true;
      return;
    }
    await this.launchPolling();
    this.log.info({ bot: `@${me.username}` }, 'telegram long polling started');
  }

  /** Checks Telegram's secret-token header; false means the request is not from Telegram. */
  verifyWebhook(secretHeader: string | undefined): boolean {
    if (secretHeader === undefined) return false;
    const given = Buffer.from(secretHeader);
    const expected = Buffer.from(this.webhookSecret);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async handleWebhookUpdate(update: Update): Promise<void> {
    await this.bot.handleUpdate(update);
  }

  isConnected(): boolean {
    return this.connected;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.connected = false;
    clearTimeout(this.relaunch);
    if (!this.options.webhookUrl) {
      try {
        this.bot.stop('opsbot stopping');
      } catch (error) {
        this.log.debug({ err: error }, 'telegram polling was not running');
      }
    }
  }

  private launchPolling(): Promise<void> {
    return new Promise((resolve) => {
      this.bot
        .launch({ allowedUpdates: ['message', 'callback_query'] }, () => {
          this.connected = true;
          resolve();
        })
        .catch((error: unknown) => {
          this.connected = false;
          resolve();
          if (this.stopping) return;
          this.log.error({ err: error }, `telegram polling stopped; retrying in ${RELAUNCH_AFTER_MS / 1000} s`);
          this.relaunch = setTimeout(() => void this.launchPolling(), RELAUNCH_AFTER_MS);
        });
    });
  }

  private async onMessage(ctx: Context): Promise<void> {
    const message = ctx.message;
    if (!message || !('text' in message) || !ctx.from) return;
    const parsed = parseCommandText(message.text, this.username);
    if (!parsed) return;
    const command = this.runner.get(parsed.command);
    if (!command && message.chat.type !== 'private' && !parsed.addressed) return;
    const invocation: Invocation = {
      command: parsed.command,
      raw: command ? positionalArgs(command, parsed.argsText) : {},
      invoker: invokerOf(ctx),
      via: 'command',
    };
    const reply = await this.runner.run(invocation);
    if (reply.quiet) return;
    const rendered = telegramReply(reply);
    await ctx.reply(rendered.text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      ...(rendered.reply_markup ? { reply_markup: rendered.reply_markup } : {}),
    });
  }

  private async onCallback(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    if (!query) return;
    const action = 'data' in query ? decodeAction(query.data) : null;
    if (!action) {
      await ctx.answerCbQuery('This button is not one of opsbot’s, or it is from an older version.', { show_alert: true });
      return;
    }
    try {
      const reply = await this.runner.run({ command: action.command, raw: action.raw, invoker: invokerOf(ctx), via: 'button' });
      await ctx.answerCbQuery(callbackAnswerText(reply), { show_alert: reply.private });
    } catch (error) {
      await ctx.answerCbQuery('opsbot could not do that; the error is in its log.', { show_alert: true });
      throw error;
    }
  }
}

function invokerOf(ctx: Context): Invoker {
  const from = ctx.from!;
  return {
    platform: 'telegram',
    userId: String(from.id),
    userName: from.username ? `@${from.username}` : [from.first_name, from.last_name].filter(Boolean).join(' '),
    chatId: String(ctx.chat?.id ?? from.id),
    roleIds: [],
  };
}
