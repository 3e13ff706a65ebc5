import type { FakeDiscord } from '../fakes/discord.js';
import { waitUntil } from './wait.js';

/** `/status` as Discord user 501 (give it a role in `access.discord`) in `channel`, and the answer's text once the bot answered. */
export async function statusAnswer(discord: FakeDiscord, channel: string, timeoutMs = 10_000): Promise<string> {
  const interaction = await discord.sendInteraction({
    type: 2,
    data: { id: '300000000000000001', name: 'status', type: 1, options: [] },
    guild_id: '900000000000000001',
    channel_id: channel,
    member: { user: { id: '501', username: 'alice' }, roles: [] },
  });
  const callback = await waitUntil('an answer to /status', () => discord.interactionResponses.find((r) => r.interactionId === interaction.id && r.kind === 'callback'), timeoutMs);
  return String(callback.body.data?.content ?? '');
}
