/** The limits the real Bot API enforces on what a bot sends, with Telegram's own error wording. */
import { badRequest, jsonParam, stringParam, type Params } from './telegram-http.js';
import { parseTelegramHtml, trimMessage, type TgEntity } from './telegram-html.js';

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CALLBACK_DATA_BYTES = 64;

export interface MessageContent {
  text: string;
  html: string;
  parseMode?: string;
  entities: TgEntity[];
}

/**
 * Validates `text` + `parse_mode` and returns what the user will see. Length is counted in UTF-16
 * code units after entity parsing and trimming, as Telegram does.
 */
export function messageContent(params: Params, strictEntities: boolean): MessageContent {
  const raw = stringParam(params, 'text') ?? '';
  const parseMode = stringParam(params, 'parse_mode') || undefined;
  let parsed: { text: string; entities: TgEntity[] } = { text: raw, entities: [] };
  const mode = parseMode?.toLowerCase();
  if (mode === 'html') {
    const result = parseTelegramHtml(raw, { strictEntities });
    if (!result.ok) throw badRequest(`can't parse entities: ${result.reason}`);
    parsed = result;
  } else if (mode !== undefined && mode !== 'markdown' && mode !== 'markdownv2') {
    throw badRequest('unsupported parse_mode');
  }
  const visible = trimMessage(parsed.text, parsed.entities);
  if (visible.text.length === 0) throw badRequest('message text is empty');
  if (visible.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
  return { text: visible.text, html: raw, entities: visible.entities, ...(parseMode ? { parseMode } : {}) };
}

/** Returns the parsed `reply_markup` (or undefined), refusing what Telegram refuses. */
export function replyMarkup(params: Params): unknown {
  const markup = jsonParam(params, 'reply_markup');
  if (markup === undefined || markup === null) return undefined;
  if (typeof markup !== 'object' || Array.isArray(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  const keyboard = (markup as Record<string, unknown>).inline_keyboard;
  if (keyboard === undefined) return markup;
  if (!Array.isArray(keyboard) || !keyboard.every((row) => Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const row of keyboard as unknown[][]) for (const button of row) checkInlineButton(button);
  return markup;
}

function checkInlineButton(button: unknown): void {
  if (!button || typeof button !== 'object') throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  const { text, callback_data: data, url } = button as Record<string, unknown>;
  if (typeof text !== 'string') throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
  if (text.trim() === '') throw badRequest('BUTTON_TEXT_INVALID');
  if (data !== undefined) {
    if (typeof data !== 'string') throw badRequest(`can't parse inline keyboard button: Field "callback_data" must be of type String`);
    const bytes = Buffer.byteLength(data, 'utf8');
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
    return;
  }
  if (url !== undefined) {
    if (typeof url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(url)) throw badRequest('BUTTON_URL_INVALID');
    return;
  }
  const kinds = ['login_url', 'switch_inline_query', 'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat',
    'callback_game', 'pay', 'web_app', 'copy_text'];
  if (!kinds.some((kind) => kind in (button as Record<string, unknown>))) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}
