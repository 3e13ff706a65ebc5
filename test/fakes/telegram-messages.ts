/** The messages a bot has sent: sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage. */
import { badRequest, boolParam, canonicalJson, chatIdParam, intParam, jsonParam, TgApiError, type Params } from './telegram-http.js';
import { apiMessage } from './telegram-objects.js';
import { ChatPacer } from './telegram-pacing.js';
import { messageContent, replyMarkup } from './telegram-validate.js';
import type { TgMessage } from './telegram.js';

type Json = Record<string, unknown>;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

export const tooManyRequests = (retryAfter: number): TgApiError =>
  new TgApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export interface MessageStoreOptions {
  rateLimit: boolean;
  strictEntities: boolean;
}

export class MessageStore {
  readonly messages: TgMessage[] = [];
  private readonly listeners = new Set<(m: TgMessage) => void>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly deleted = new Set<string>();
  private readonly pacer = new ChatPacer();

  constructor(private readonly options: MessageStoreOptions) {}

  onMessage(listener: (m: TgMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Message ids are per chat and shared by the bot's and the users' messages, as in private chats. */
  nextMessageId(chatId: string): number {
    const id = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, id);
    return id;
  }

  /** Forgets messages and pacing; message ids keep counting up, as they do in Telegram. */
  reset(): void {
    this.messages.length = 0;
    this.pacer.clear();
  }

  send(p: Params, bot: Json): Json {
    const chatId = chatIdParam(p);
    const content = messageContent(p, this.options.strictEntities);
    const markup = replyMarkup(p);
    const replyTo = this.replyTarget(chatId, p);
    if (this.options.rateLimit) {
      const wait = this.pacer.retryAfter(chatId);
      if (wait > 0) throw tooManyRequests(wait);
      this.pacer.record(chatId);
    }
    const message: TgMessage = {
      chatId,
      messageId: this.nextMessageId(chatId),
      ...content,
      ...(replyTo !== undefined ? { replyToMessageId: replyTo } : {}),
      ...(markup !== undefined ? { replyMarkup: markup } : {}),
      date: Math.floor(Date.now() / 1000),
      edits: 0,
    };
    this.messages.push(message);
    for (const listener of this.listeners) listener(message);
    return apiMessage(message, bot);
  }

  /** Without `reply_markup`, an edit removes the message's inline keyboard, as in real Telegram. */
  editText(p: Params, bot: Json): Json {
    const content = messageContent(p, this.options.strictEntities);
    const markup = replyMarkup(p);
    const message = this.messageToEdit(p);
    const sameText = message.text === content.text && canonicalJson(message.entities) === canonicalJson(content.entities);
    if (sameText && sameMarkup(message.replyMarkup, markup)) throw badRequest(NOT_MODIFIED);
    delete message.parseMode;
    Object.assign(message, content);
    return this.markEdited(message, markup, bot);
  }

  editMarkup(p: Params, bot: Json): Json {
    const markup = replyMarkup(p);
    const message = this.messageToEdit(p);
    if (sameMarkup(message.replyMarkup, markup)) throw badRequest(NOT_MODIFIED);
    return this.markEdited(message, markup, bot);
  }

  delete(p: Params): true {
    const chatId = chatIdParam(p);
    const messageId = intParam(p, 'message_id');
    const index = this.messages.findIndex((m) => m.chatId === chatId && m.messageId === messageId);
    if (index === -1) throw badRequest('message to delete not found');
    this.messages.splice(index, 1);
    this.deleted.add(`${chatId}:${messageId}`);
    return true;
  }

  private messageToEdit(p: Params): TgMessage {
    if (p.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID (inline messages are not supported by the fake)');
    const chatId = chatIdParam(p);
    const messageId = intParam(p, 'message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const message = this.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
    if (!message) throw badRequest('message to edit not found');
    return message;
  }

  private markEdited(message: TgMessage, markup: unknown, bot: Json): Json {
    if (markup === undefined) delete message.replyMarkup;
    else message.replyMarkup = markup;
    message.edits++;
    message.editDate = Math.floor(Date.now() / 1000);
    return apiMessage(message, bot);
  }

  /** `reply_to_message_id` or `reply_parameters.message_id` must name a message of that chat. */
  private replyTarget(chatId: string, p: Params): number | undefined {
    const parameters = jsonParam(p, 'reply_parameters') as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    const fromParameters = typeof parameters?.message_id === 'number' ? parameters.message_id : undefined;
    const id = intParam(p, 'reply_to_message_id') ?? fromParameters;
    if (id === undefined) return undefined;
    const exists = id >= 1 && id <= (this.lastMessageId.get(chatId) ?? 0) && !this.deleted.has(`${chatId}:${id}`);
    if (exists) return id;
    if (boolParam(p, 'allow_sending_without_reply') || parameters?.allow_sending_without_reply === true) return undefined;
    throw badRequest('message to be replied not found');
  }
}

function sameMarkup(current: unknown, next: unknown): boolean {
  return canonicalJson(current ?? null) === canonicalJson(next ?? null);
}
