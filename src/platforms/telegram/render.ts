import type { AlertView, SummaryView } from '../../shared/types.js';
import { formatUtc, httpUrlOrNull, oneLineOrNull, renderLabelLines } from '../render/alert-parts.js';
import { alertBadge } from '../../shared/severity.js';
import { alertActions, encodeAction, groupActions } from '../render/actions.js';
import { renderSummaryBody, summaryHeadline } from '../render/summary.js';
import { EMPTY_PIECE, fitText, joinPieces, literal, type Piece, type TextStyle } from '../render/text.js';
import type { AlertAction } from '../../shared/chat.js';

export interface TelegramText {
  text: string;
  parse_mode: 'HTML';
  reply_markup?: TelegramKeyboard;
}

export interface TelegramKeyboard {
  inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
}

/** One row of inline buttons; an empty keyboard clears the buttons when a message is edited. */
export function telegramKeyboard(actions: AlertAction[]): TelegramKeyboard {
  return { inline_keyboard: actions.length > 0 ? [actions.map((a) => ({ text: a.label, callback_data: encodeAction(a) }))] : [] };
}

/** Telegram's limit on the text a user sees (after entity parsing), in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const TITLE_MAX = 256;
const NAME_MAX = 256;
const ACKED_BY_MAX = 200;
const SOURCE_MAX = 200;
/** Labels never take more than this, so the body keeps most of the message. */
const LABELS_MAX = 1024;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes `& < > "` for Telegram's HTML parse mode. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** In HTML mode every entity shows as one character, so the visible length is the plain length. */
export const TELEGRAM_HTML: TextStyle = {
  escape: escapeHtml,
  countedLength: (plain) => plain.length,
};

/** Wraps a piece in an HTML tag; tags are not visible, so the counted length stays the same. */
function tag(name: 'b' | 'i' | 'code', piece: Piece): Piece {
  return { out: `<${name}>${piece.out}</${name}>`, length: piece.length };
}

function link(href: string, text: string): Piece {
  return { out: `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`, length: text.length };
}

function message(piece: Piece): TelegramText {
  return { text: piece.out, parse_mode: 'HTML' };
}

function headerLine(alert: AlertView): Piece {
  const title = fitText(oneLineOrNull(alert.title) ?? '(untitled)', TITLE_MAX, TELEGRAM_HTML);
  return joinPieces([tag('b', literal(alertBadge(alert))), tag('b', title)], ' ');
}

function serviceLine(alert: AlertView): Piece | null {
  const service = oneLineOrNull(alert.service);
  return service ? joinPieces([literal('Service:'), tag('b', fitText(service, NAME_MAX, TELEGRAM_HTML))], ' ') : null;
}

function labelsBlock(alert: AlertView): Piece | null {
  const heading = 'Labels:\n';
  const labels = renderLabelLines(alert.labels, LABELS_MAX - heading.length, TELEGRAM_HTML, (label) =>
    tag('code', label),
  );
  return labels.length > 0 ? joinPieces([literal(heading), labels]) : null;
}

function countLine(alert: AlertView): Piece | null {
  if (alert.count <= 1) return null;
  return literal(`Count: ${alert.count}× · last seen ${formatUtc(alert.lastSeenAt)}`);
}

function ackedLine(alert: AlertView): Piece | null {
  if (alert.ackedAt === null && alert.ackedBy === null) return null;
  const who = fitText(oneLineOrNull(alert.ackedBy) ?? 'someone', ACKED_BY_MAX, TELEGRAM_HTML);
  const when = alert.ackedAt ? literal(` at ${formatUtc(alert.ackedAt)}`) : EMPTY_PIECE;
  return joinPieces([literal('Acked by '), tag('b', who), when]);
}

function resolvedLine(alert: AlertView): Piece | null {
  if (alert.status !== 'resolved' || alert.resolvedAt === null) return null;
  return literal(`Resolved at ${formatUtc(alert.resolvedAt)}`);
}

function linksLine(alert: AlertView, dashboardUrl: string | undefined): Piece | null {
  const alertLink = httpUrlOrNull(alert.link);
  const dashboardLink = httpUrlOrNull(dashboardUrl);
  const links = [
    alertLink ? link(alertLink, 'Open link') : null,
    dashboardLink ? link(dashboardLink, 'Open in dashboard') : null,
  ].filter((piece): piece is Piece => piece !== null);
  return links.length > 0 ? joinPieces(links, ' · ') : null;
}

function footerLine(alert: AlertView): Piece {
  const source = oneLineOrNull(alert.source);
  const parts = [literal(`alert #${alert.id}`)];
  if (source) parts.push(fitText(source, SOURCE_MAX, TELEGRAM_HTML));
  return tag('i', joinPieces(parts, ' · '));
}

function withoutNulls(pieces: readonly (Piece | null)[]): Piece[] {
  return pieces.filter((piece): piece is Piece => piece !== null);
}

/**
 * One alert as an HTML message: header, body, facts, links and footer, separated by
 * blank lines. Everything but the body is bounded; the body gets what is left of the
 * 4096 visible characters.
 */
export function renderTelegramAlert(alert: AlertView, opts: { dashboardUrl?: string } = {}): TelegramText {
  const header = headerLine(alert);
  const facts = joinPieces(
    withoutNulls([serviceLine(alert), countLine(alert), ackedLine(alert), resolvedLine(alert), labelsBlock(alert)]),
    '\n',
  );
  const tail = withoutNulls([facts.length > 0 ? facts : null, linksLine(alert, opts.dashboardUrl), footerLine(alert)]);
  const separator = '\n\n';
  const withoutBody = joinPieces([header, ...tail], separator);
  const body = (alert.body ?? '').trim();
  const bodyRoom = TELEGRAM_TEXT_LIMIT - withoutBody.length - separator.length;
  const bodyPiece = body ? fitText(body, bodyRoom, TELEGRAM_HTML) : null;
  return {
    ...message(joinPieces(withoutNulls([header, bodyPiece, ...tail]), separator)),
    reply_markup: telegramKeyboard(alertActions(alert)),
  };
}

/** `✅ Resolved: <title> (alert #id)`; the caller sends it as a reply to the alert message. */
export function renderTelegramResolvedReply(alert: AlertView): TelegramText {
  const title = fitText(oneLineOrNull(alert.title) ?? '(untitled)', TITLE_MAX, TELEGRAM_HTML);
  return message(joinPieces([literal('✅ '), tag('b', literal('Resolved:')), literal(' '), title, literal(` (alert #${alert.id})`)]));
}

/** A storm of alerts or a route group in one message: counts, the titles that fit, every id as ranges; a group's buttons. */
export function renderTelegramSummary(summary: SummaryView): TelegramText {
  const header = tag('b', literal(summaryHeadline(summary)));
  const footer = tag('i', literal(`${summary.group ? 'group' : 'summary'} #${summary.id}`));
  const separator = '\n\n';
  const bodyRoom = TELEGRAM_TEXT_LIMIT - header.length - footer.length - 2 * separator.length;
  const body = renderSummaryBody(summary, bodyRoom, TELEGRAM_HTML);
  return { ...message(joinPieces(withoutNulls([header, body.length > 0 ? body : null, footer]), separator)), ...(summary.group ? { reply_markup: telegramKeyboard(groupActions(summary)) } : {}) };
}
