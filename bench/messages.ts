import type { DcMessage } from '../test/fakes/discord.js';

/** A Discord message's text as a reader sees it: content, then each embed's title, description, footer and fields. */
export function discordText(message: DcMessage): string {
  const parts: string[] = [message.content];
  for (const embed of message.embeds) {
    parts.push(embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '');
    for (const field of embed.fields ?? []) parts.push(field.name ?? '', field.value ?? '');
  }
  return parts.join('\n');
}
