import { fitText, PLAIN_TEXT } from '../render/text.js';
import { TELEGRAM_HTML, TELEGRAM_TEXT_LIMIT, telegramKeyboard, type TelegramText } from './render.js';
import type { Reply } from '../../shared/chat.js';

/** A neutral reply as Telegram HTML: all text escaped, within 4096 characters, buttons as an inline keyboard. */
export function telegramReply(reply: Reply): TelegramText {
  return {
    text: fitText(reply.text, TELEGRAM_TEXT_LIMIT, TELEGRAM_HTML).out,
    parse_mode: 'HTML',
    ...(reply.buttons && reply.buttons.length > 0 ? { reply_markup: telegramKeyboard(reply.buttons) } : {}),
  };
}

/** answerCallbackQuery shows at most 200 characters. */
export function callbackAnswerText(reply: Reply): string {
  return fitText(reply.text, 200, PLAIN_TEXT).out;
}
