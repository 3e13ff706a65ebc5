import { MessageFlags, type InteractionReplyOptions } from 'discord.js';
import { DISCORD_LIMITS, DISCORD_MARKDOWN, discordButtons } from './render.js';
import { fitText } from '../render/text.js';
import type { Reply } from '../../shared/chat.js';

/** A neutral reply as a Discord interaction response: escaped text, ephemeral when private, never a ping. */
export function discordReply(reply: Reply): InteractionReplyOptions & { flags?: number } {
  return {
    content: fitText(reply.text, DISCORD_LIMITS.content, DISCORD_MARKDOWN).out,
    allowedMentions: { parse: [] },
    components: discordButtons(reply.buttons ?? []),
    ...(reply.private ? { flags: MessageFlags.Ephemeral } : {}),
  } as InteractionReplyOptions & { flags?: number };
}
