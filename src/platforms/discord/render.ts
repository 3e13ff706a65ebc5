import type { APIEmbed, APIEmbedField, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { AlertView, Severity, SummaryView } from '../../shared/types.js';
import { httpUrlOrNull, oneLineOrNull, renderLabelLines } from '../render/alert-parts.js';
import { alertBadge, highestSeverity } from '../../shared/severity.js';
import { alertActions, encodeAction, groupActions } from '../render/actions.js';
import { renderSummaryBody, summaryHeadline } from '../render/summary.js';
import { fitText, PLAIN_TEXT, type TextStyle } from '../render/text.js';
import type { AlertAction } from '../../shared/chat.js';

/** Discord's documented limits, in UTF-16 code units. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  embedTotal: 6000,
} as const;

const SEVERITY_COLOR: Readonly<Record<Severity, number>> = {
  CRIT: 0xed4245,
  WARN: 0xf0a020,
  INFO: 0x3498db,
};
const RESOLVED_COLOR = 0x57f287;

/** Short one-line values (service, who acked, source) never need more than this. */
const NAME_MAX = 256;
const ACKED_BY_MAX = 200;
const SOURCE_MAX = 200;

/** Never ping anyone, whatever the alert text says (`@everyone`, `<@123>`, `<@&1>`). */
const NO_MENTIONS = { parse: [] };

/**
 * Either an http(s) URL, left as is so Discord still links it, or one markdown
 * character (`\ * _ ~ ` | [ ] <`) to escape. `<` is escaped so `<@123>`, `<#1>` or
 * `<t:…>` show as typed instead of turning into mentions, channels or timestamps.
 */
const URL_OR_MARKDOWN_CHARACTER = /(https?:\/\/[^\s<>[\]`|*~\\]+)|([\\*_~`|[\]<])/g;
/** Headings (`# `, `-# `), quotes (`>`) and bullets (`- `, `+ `) at the start of a line. */
const LINE_START_MARKER = /^([ \t]*)(?=#{1,3}\s|-#\s|>|[-+]\s)/gm;
/** Numbered list items (`1. `) at the start of a line. */
const LINE_START_NUMBER = /^([ \t]*\d+)\.(?=\s)/gm;

/**
 * Makes user text show literally in Discord markdown. One linear pass with
 * backslash escapes (which Discord hides), so the cost and length growth of a
 * prefix never exceed those of the whole text.
 */
export function escapeDiscordMarkdown(text: string): string {
  return text
    .replace(URL_OR_MARKDOWN_CHARACTER, (_match, url: string | undefined, special: string | undefined) =>
      url ?? `\\${special ?? ''}`,
    )
    .replace(LINE_START_MARKER, '$1\\')
    .replace(LINE_START_NUMBER, '$1\\.');
}

export const DISCORD_MARKDOWN: TextStyle = {
  escape: escapeDiscordMarkdown,
  countedLength: (plain) => escapeDiscordMarkdown(plain).length,
};

/** `<t:1700000000:R>`: Discord shows it in each reader's own time zone. */
function discordTime(date: Date, style: 'R' | 'f'): string {
  return `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;
}

function embedTextLength(embed: APIEmbed): number {
  const fields = embed.fields ?? [];
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0)
  );
}

function alertTitle(alert: AlertView): string {
  const prefix = `${alertBadge(alert)} · `;
  const title = oneLineOrNull(alert.title) ?? '(untitled)';
  return prefix + fitText(title, DISCORD_LIMITS.embedTitle - prefix.length, DISCORD_MARKDOWN).out;
}

function alertColor(alert: AlertView): number {
  return alert.status === 'resolved' ? RESOLVED_COLOR : SEVERITY_COLOR[alert.severity];
}

function alertFooter(alert: AlertView): string {
  const source = oneLineOrNull(alert.source);
  const sourcePart = source ? ` · ${fitText(source, SOURCE_MAX, PLAIN_TEXT).out}` : '';
  return `opsbot · alert #${alert.id}${sourcePart}`;
}

function serviceField(alert: AlertView): APIEmbedField | null {
  const service = oneLineOrNull(alert.service);
  return service ? { name: 'Service', value: fitText(service, NAME_MAX, DISCORD_MARKDOWN).out, inline: true } : null;
}

function labelsField(alert: AlertView): APIEmbedField | null {
  const labels = renderLabelLines(alert.labels, DISCORD_LIMITS.fieldValue, DISCORD_MARKDOWN);
  return labels.length > 0 ? { name: 'Labels', value: labels.out } : null;
}

function countField(alert: AlertView): APIEmbedField | null {
  if (alert.count <= 1) return null;
  return { name: 'Count', value: `${alert.count}× · last seen ${discordTime(alert.lastSeenAt, 'R')}`, inline: true };
}

function ackedField(alert: AlertView): APIEmbedField | null {
  if (alert.ackedAt === null && alert.ackedBy === null) return null;
  const who = fitText(oneLineOrNull(alert.ackedBy) ?? 'someone', ACKED_BY_MAX, DISCORD_MARKDOWN).out;
  const when = alert.ackedAt ? ` · ${discordTime(alert.ackedAt, 'R')}` : '';
  return { name: 'Acked by', value: who + when, inline: true };
}

function resolvedField(alert: AlertView): APIEmbedField | null {
  if (alert.status !== 'resolved' || alert.resolvedAt === null) return null;
  return { name: 'Resolved at', value: discordTime(alert.resolvedAt, 'f'), inline: true };
}

/** Parentheses would end a markdown link early; percent-encoded they mean the same URL. */
function markdownLink(text: string, url: string): string {
  return `[${text}](${url.replaceAll('(', '%28').replaceAll(')', '%29')})`;
}

/** A link that would not fit in a field is left out rather than cut into a broken URL. */
function dashboardField(dashboardUrl: string | undefined): APIEmbedField | null {
  const url = httpUrlOrNull(dashboardUrl);
  const value = url ? markdownLink('Open in dashboard', url) : '';
  return value && value.length <= DISCORD_LIMITS.fieldValue ? { name: 'Dashboard', value } : null;
}

/** One embed for one alert, within every Discord limit whatever the alert contains. */
export function renderDiscordAlert(
  alert: AlertView,
  opts: { dashboardUrl?: string } = {},
): RESTPostAPIChannelMessageJSONBody {
  const fields = [
    serviceField(alert),
    countField(alert),
    ackedField(alert),
    resolvedField(alert),
    labelsField(alert),
    dashboardField(opts.dashboardUrl),
  ].filter((field): field is APIEmbedField => field !== null);
  const embed: APIEmbed = {
    title: alertTitle(alert),
    color: alertColor(alert),
    fields,
    footer: { text: alertFooter(alert) },
    timestamp: alert.firedAt.toISOString(),
  };
  const link = httpUrlOrNull(alert.link);
  if (link) embed.url = link;
  const body = (alert.body ?? '').trim();
  if (body) {
    const room = Math.min(DISCORD_LIMITS.embedDescription, DISCORD_LIMITS.embedTotal - embedTextLength(embed));
    embed.description = fitText(body, room, DISCORD_MARKDOWN).out;
  }
  return { embeds: [embed], components: discordButtons(alertActions(alert)), allowed_mentions: NO_MENTIONS };
}

const BUTTON_STYLE = { ack: 1, resolve: 3, ackgroup: 1, resolvegroup: 3 } as const;

/** One action row of buttons; an empty list clears the buttons when a message is edited. */
export function discordButtons(actions: AlertAction[]): NonNullable<RESTPostAPIChannelMessageJSONBody['components']> {
  if (actions.length === 0) return [];
  return [
    {
      type: 1,
      components: actions.map((action) => ({
        type: 2,
        style: BUTTON_STYLE[action.command],
        label: action.label,
        custom_id: encodeAction(action),
      })),
    },
  ];
}

/** `✅ Resolved: <title> (alert #id)` as a reply to the original alert message. */
export function renderDiscordResolvedReply(alert: AlertView, replyTo: string): RESTPostAPIChannelMessageJSONBody {
  const title = fitText(oneLineOrNull(alert.title) ?? '(untitled)', NAME_MAX, DISCORD_MARKDOWN).out;
  return {
    content: `✅ Resolved: ${title} (alert #${alert.id})`,
    message_reference: { message_id: replyTo, fail_if_not_exists: false },
    allowed_mentions: NO_MENTIONS,
  };
}

/** One embed combining a storm of alerts or a route group: counts, the titles that fit, every id as ranges; a group's buttons. */
export function renderDiscordSummary(summary: SummaryView): RESTPostAPIChannelMessageJSONBody {
  const severity = highestSeverity(summary.items.filter((item) => item.status === 'firing'));
  const embed: APIEmbed = {
    title: summaryHeadline(summary),
    color: severity ? SEVERITY_COLOR[severity] : RESOLVED_COLOR,
    footer: { text: `opsbot · ${summary.group ? 'group' : 'summary'} #${summary.id}` },
    timestamp: summary.createdAt.toISOString(),
  };
  const room = Math.min(DISCORD_LIMITS.embedDescription, DISCORD_LIMITS.embedTotal - embedTextLength(embed));
  const description = renderSummaryBody(summary, room, DISCORD_MARKDOWN);
  if (description.length > 0) embed.description = description.out;
  return { embeds: [embed], components: discordButtons(groupActions(summary)), allowed_mentions: NO_MENTIONS };
}
