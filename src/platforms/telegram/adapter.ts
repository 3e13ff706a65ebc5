import { Telegram, TelegramError } from 'telegraf';
import type { ChannelAdapter } from '../adapter.js';
import { DeliveryError, refusalKind } from '../errors.js';
import type { AlertView, EscalationView, SummaryView } from '../../shared/types.js';
import { renderTelegramEscalation } from './render-escalation.js';
import { fitText } from '../render/text.js';
import {
  TELEGRAM_HTML,
  TELEGRAM_TEXT_LIMIT,
  renderTelegramAlert,
  renderTelegramResolvedReply,
  renderTelegramSummary,
  type TelegramText,
} from './render.js';

type CallOptions = Parameters<Telegram['callApi']>[2];

export interface TelegramAdapterOptions {
  token: string;
  apiRoot?: string;
  timeoutMs: number;
}

export class TelegramAdapter implements ChannelAdapter {
  readonly platform = 'telegram' as const;
  readonly returnsEarlierCopy = false;
  private readonly telegram: Telegram;

  constructor(private readonly options: TelegramAdapterOptions) {
    this.telegram = new Telegram(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  }

  async whoAmI(): Promise<string> {
    const me = await this.call(() => this.telegram.callApi('getMe', {}, this.timeout()));
    return `@${me.username}`;
  }

  async postAlert(chatId: string, alert: AlertView): Promise<string> {
    return this.send(chatId, renderTelegramAlert(alert));
  }

  async editAlert(chatId: string, messageId: string, alert: AlertView): Promise<void> {
    await this.edit(chatId, messageId, renderTelegramAlert(alert));
  }

  async postResolvedReply(chatId: string, messageId: string, alert: AlertView): Promise<string> {
    return this.send(chatId, renderTelegramResolvedReply(alert), Number(messageId));
  }

  async postSummary(chatId: string, summary: SummaryView): Promise<string> {
    return this.send(chatId, renderTelegramSummary(summary));
  }

  async editSummary(chatId: string, messageId: string, summary: SummaryView): Promise<void> {
    await this.edit(chatId, messageId, renderTelegramSummary(summary));
  }

  async postEscalation(chatId: string, escalation: EscalationView): Promise<string> {
    return this.send(chatId, renderTelegramEscalation(escalation));
  }

  async postText(chatId: string, text: string): Promise<string> {
    return this.send(chatId, { text: fitText(text, TELEGRAM_TEXT_LIMIT, TELEGRAM_HTML).out, parse_mode: 'HTML' });
  }

  /** Replaces a message's text and buttons; an edit that changes nothing is not an error. */
  private async edit(chatId: string, messageId: string, message: TelegramText): Promise<void> {
    try {
      await this.call(() =>
        this.telegram.callApi(
          'editMessageText',
          { chat_id: chatId, message_id: Number(messageId), ...message, link_preview_options: { is_disabled: true } },
          this.timeout(),
        ),
      );
    } catch (error) {
      if (error instanceof DeliveryError && /message is not modified/.test(error.message)) return;
      throw error;
    }
  }

  private async send(chatId: string, message: TelegramText, replyTo?: number): Promise<string> {
    const sent = await this.call(() =>
      this.telegram.callApi(
        'sendMessage',
        {
          chat_id: chatId,
          ...message,
          link_preview_options: { is_disabled: true },
          ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
        },
        this.timeout(),
      ),
    );
    return String(sent.message_id);
  }

  /** telegraf types its signal with the abort-controller polyfill; Node's own AbortSignal works at run time. */
  private timeout(): CallOptions {
    return { signal: AbortSignal.timeout(this.options.timeoutMs) } as unknown as CallOptions;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw classifyTelegramError(error);
    }
  }
}

export function classifyTelegramError(error: unknown): DeliveryError {
  if (error instanceof TelegramError) {
    const description = `telegram ${error.code}: ${error.description}`;
    if (error.code === 429) {
      return new DeliveryError('rate_limited', description, (error.parameters?.retry_after ?? 1) * 1000);
    }
    return new DeliveryError(refusalKind(error.code), description);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DeliveryError('transient', `telegram request failed: ${message}`);
}
