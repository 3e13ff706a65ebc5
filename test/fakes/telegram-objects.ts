/** Bot API object shapes (User, Chat, Message, Update) as the fake returns and completes them. */
import type { TgMessage } from './telegram.js';

type Json = Record<string, unknown>;

/** The user who talks to the bot when a pushed update names nobody. */
export const DEFAULT_USER = { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice', language_code: 'en' } as const;

/** `getMe`: the bot's id is the numeric part of its token, as with real tokens (`123456:ABC…`). */
export function botUser(token: string): Json {
  const id = Number(/^(\d+):/.exec(token)?.[1] ?? 7_000_000_001);
  return {
    id,
    is_bot: true,
    first_name: 'opsbot',
    username: 'opsbot_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export function chatType(chatId: string): ChatType {
  if (chatId.startsWith('-100')) return 'supergroup';
  if (chatId.startsWith('-')) return 'group';
  if (chatId.startsWith('@')) return 'channel';
  return 'private';
}

/** Telegram sends chat ids as JSON numbers; `@channel` names stay names. */
export function wireId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

export function chatObject(chatId: string): Json {
  const type = chatType(chatId);
  if (type === 'private') return { id: wireId(chatId), type, first_name: `User ${chatId}` };
  if (type === 'channel') return { id: -1_009_999_999_999, type, title: chatId.slice(1), username: chatId.slice(1) };
  return { id: wireId(chatId), type, title: `Chat ${chatId}` };
}

/** A stored message as the `Message` object the Bot API returns for it. */
export function apiMessage(message: TgMessage, bot: Json): Json {
  return {
    message_id: message.messageId,
    from: bot,
    chat: chatObject(message.chatId),
    date: message.date,
    ...(message.editDate !== undefined ? { edit_date: message.editDate } : {}),
    ...(message.replyToMessageId !== undefined
      ? { reply_to_message: { message_id: message.replyToMessageId, chat: chatObject(message.chatId), date: message.date } }
      : {}),
    text: message.text,
    ...(message.entities.length > 0 ? { entities: message.entities } : {}),
    ...(isInlineKeyboard(message.replyMarkup) ? { reply_markup: message.replyMarkup } : {}),
  };
}

function isInlineKeyboard(markup: unknown): boolean {
  return typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup;
}

const MESSAGE_KINDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const;

export interface UpdateCompletion {
  nextMessageId(chatId: string): number;
  nextCallbackQueryId(): string;
}

/**
 * Fills in what real Telegram always sends and a test rarely bothers to write: chat, from, date,
 * message_id, and the `bot_command` entity without which telegraf's `bot.command()` and
 * `bot.start()` never match.
 */
export function completeUpdate(update: Json, ids: UpdateCompletion): Json {
  const full: Json = { ...update };
  for (const kind of MESSAGE_KINDS) {
    const message = full[kind];
    if (isObject(message)) full[kind] = completeMessage(message, ids, !kind.includes('channel'));
  }
  const query = full.callback_query;
  if (isObject(query)) {
    full.callback_query = {
      ...query,
      id: typeof query.id === 'string' ? query.id : ids.nextCallbackQueryId(),
      from: query.from ?? DEFAULT_USER,
      chat_instance: query.chat_instance ?? '-1',
      ...(isObject(query.message) ? { message: completeMessage(query.message, ids, false) } : {}),
    };
  }
  return full;
}

function completeMessage(message: Json, ids: UpdateCompletion, fromUser: boolean): Json {
  const givenChat = isObject(message.chat) ? message.chat : { id: DEFAULT_USER.id };
  const chatId = String(givenChat.id ?? DEFAULT_USER.id);
  const chat = { ...chatObject(chatId), ...givenChat };
  const text = message.text;
  return {
    message_id: message.message_id ?? ids.nextMessageId(chatId),
    ...(fromUser ? { from: DEFAULT_USER } : {}),
    date: Math.floor(Date.now() / 1000),
    ...message,
    chat,
    ...(typeof text === 'string' && message.entities === undefined ? commandEntity(text) : {}),
  };
}

function commandEntity(text: string): Json {
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text)?.[0];
  return command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
