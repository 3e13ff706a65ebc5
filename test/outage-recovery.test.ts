import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const CHATS = ['0', '1', '2', '3'];
const telegramChat = (chat: string) => `-95${chat}`;
const discordChannel = (chat: string) => `95${chat}`;

/**
 * Each alert goes to a chat of its own on one platform, so that its retries keep its own back-off
 * (none is folded into a summary). Retries 1, 2, 4, 8, 16 s apart: after the fifth failed attempt a
 * delivery's own back-off is at least 12.8 s.
 */
const YAML = `
routes:
${CHATS.map((c) => `  - name: telegram${c}\n    match: { labels: { chat: "telegram${c}" } }\n    telegram: ["${telegramChat(c)}"]`).join('\n')}
${CHATS.map((c) => `  - name: discord${c}\n    match: { labels: { chat: "discord${c}" } }\n    discord: ["${discordChannel(c)}"]`).join('\n')}
delivery:
  backoffMs: 1000
  backoffMaxMs: 16000
pacing:
  telegramGroup: { intervalMs: 200, burst: 3 }
  discordChannel: { intervalMs: 200, burst: 3 }
`;

describe('a platform that answers again after an outage', () => {
  const world = useBotWithFakes(YAML);
  const platforms = {
    telegram: {
      fail: () => {
        world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 10_000);
        world.fakes.telegram.script('getMe', { kind: '5xx' }, 10_000);
      },
      recover: () => world.fakes.telegram.reset(),
      posted: (chat: string) => world.fakes.telegram.inChat(telegramChat(chat)).length,
    },
    discord: {
      fail: () => {
        world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx' }, 10_000);
        world.fakes.discord.script('GET /users/@me', { kind: '5xx' }, 10_000);
      },
      recover: () => world.fakes.discord.reset(),
      posted: (chat: string) => world.fakes.discord.inChannel(discordChannel(chat)).length,
    },
  };

  it.each(['telegram', 'discord'] as const)(
    '%s: every waiting alert is in chat within 5 s plus pacing, whatever back-off each one had reached',
    async (platform) => {
      const { fail, recover, posted } = platforms[platform];
      const attemptsOf = async (id: number): Promise<number> =>
        (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries.find((d: { platform: string }) => d.platform === platform).attempts;
      const postAlert = async (chat: string) => {
        const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: `disk full ${platform} ${chat}`, labels: { chat: `${platform}${chat}` } });
        expect(res.status).toBe(202);
        return res.body.alerts[0].id as number;
      };
      fail();
      const first = await postAlert('0');
      await waitUntil('the first alert failed three times', async () => (await attemptsOf(first)) >= 3, 15_000);
      await postAlert('1');
      await postAlert('2');
      await waitUntil('the first alert failed five times', async () => (await attemptsOf(first)) >= 5, 30_000);
      await postAlert('3');
      const inChat = () => CHATS.filter((chat) => posted(chat) > 0).length;
      expect(inChat()).toBe(0);

      recover();
      const recoveredAt = Date.now();
      await waitUntil('every waiting alert in chat', () => inChat() === CHATS.length, 30_000);
      expect(Date.now() - recoveredAt).toBeLessThan(5_000 + 1_000);
    },
    60_000,
  );
});
