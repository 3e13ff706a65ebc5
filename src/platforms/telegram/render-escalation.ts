import type { EscalationView } from '../../shared/types.js';
import { alertActions } from '../render/actions.js';
import { oneLineOrNull } from '../render/alert-parts.js';
import { escalationFacts, escalationHeadline } from '../render/escalation-text.js';
import { fitText, PLAIN_TEXT } from '../render/text.js';
import { escapeHtml, telegramKeyboard, type TelegramText } from './render.js';

const TITLE_MAX = 256;

/** An escalation notice; the configured people are mentioned by id, which notifies them in groups. */
export function renderTelegramEscalation(view: EscalationView): TelegramText {
  const mentions = view.mentions.telegram.users.map((id) => `<a href="tg://user?id=${escapeHtml(id)}">on-call ${escapeHtml(id)}</a>`);
  const title = fitText(oneLineOrNull(view.alert.title) ?? '(untitled)', TITLE_MAX, PLAIN_TEXT).out;
  const lines = [
    `<b>${escapeHtml(escalationHeadline(view))}</b>${mentions.length > 0 ? ` ${mentions.join(' ')}` : ''}`,
    `<b>${escapeHtml(title)}</b>`,
    escapeHtml(escalationFacts(view)),
  ];
  return { text: lines.join('\n'), parse_mode: 'HTML', reply_markup: telegramKeyboard(alertActions(view.alert)) };
}
