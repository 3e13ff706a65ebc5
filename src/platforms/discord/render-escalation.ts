import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { EscalationView } from '../../shared/types.js';
import { alertActions } from '../render/actions.js';
import { oneLineOrNull } from '../render/alert-parts.js';
import { escalationFacts, escalationHeadline } from '../render/escalation-text.js';
import { fitText } from '../render/text.js';
import { DISCORD_MARKDOWN, discordButtons } from './render.js';

const TITLE_MAX = 256;

/**
 * An escalation notice: headline, the people and roles called (and only those may be pinged),
 * what is wrong and for how long, with the alert's Ack / Resolve buttons.
 */
export function renderDiscordEscalation(view: EscalationView): RESTPostAPIChannelMessageJSONBody {
  const { users, roles } = view.mentions.discord;
  const mentions = [...users.map((id) => `<@${id}>`), ...roles.map((id) => `<@&${id}>`)].join(' ');
  const title = fitText(oneLineOrNull(view.alert.title) ?? '(untitled)', TITLE_MAX, DISCORD_MARKDOWN).out;
  const lines = [`**${escalationHeadline(view)}**${mentions ? ` ${mentions}` : ''}`, `**${title}**`, escalationFacts(view)];
  return {
    content: lines.join('\n'),
    components: discordButtons(alertActions(view.alert)),
    allowed_mentions: { parse: [], users, roles },
  };
}
