import { afterAll, beforeAll, expect } from 'vitest';
import { startTestBot, type TestBot } from './bot.js';
import { startFakes, type Fakes } from './fakes.js';
import { waitUntil } from './wait.js';

export const CHANNEL = '100';
export const GROUP = '-200';
export const RESPONDER_DC = '501';
export const VIEWER_DC = '502';
export const RESPONDER_TG = { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice' };
export const VIEWER_TG = { id: 1002, is_bot: false, first_name: 'Victor', username: 'victor' };

const YAML = `
routes:
  - name: pager
    match: { service: pager }
    discord: ["${CHANNEL}"]
    telegram: ["${GROUP}"]
    escalation: fast
defaultRoute: { discord: ["${CHANNEL}"], telegram: ["${GROUP}"] }
escalation:
  policies:
    fast:
      levels:
        - { level: 1, after: 1s }
        - { level: 2, after: 2s, mention: { discord: { users: ["555"], roles: ["556"] }, telegram: { users: ["777"] } } }
        - { level: 3, after: 3s, discord: ["300"], telegram: ["-400"] }
  bySeverity: {}
access:
  discord: { users: { "${RESPONDER_DC}": responder } }
  telegram: { users: { "${RESPONDER_TG.id}": responder } }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

/**
 * One running bot wired to both fakes with the chat test config above (routes, a fast escalation
 * ladder, responders), started before the file's tests and stopped after them, and the drivers the
 * chat tests use: post an alert, find its messages, send slash commands and Telegram text, read answers.
 */
export function useChatWorld() {
  let fakes: Fakes;
  let bot: TestBot;

  beforeAll(async () => {
    fakes = await startFakes();
    bot = await startTestBot({ yaml: YAML, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
    await waitUntil('the Discord gateway session', () => fakes.discord.gatewaySessions === 1);
    await waitUntil('Telegram long polling', () => fakes.telegram.calls.some((c) => c.method === 'getUpdates'));
  });

  afterAll(async () => {
    await bot?.destroy();
    await fakes?.close();
  });

  async function postAlert(alert: Record<string, unknown>): Promise<number> {
    const res = await bot.post('/api/v1/alerts', { severity: 'CRIT', ...alert });
    expect(res.status).toBe(202);
    return res.body.alerts[0].id as number;
  }

  const discordMessageOf = (alertId: number) =>
    fakes.discord.inChannel(CHANNEL).find((m) => m.embeds[0]?.footer?.text?.includes(`alert #${alertId}`));
  const telegramMessageOf = (alertId: number) =>
    fakes.telegram.inChat(GROUP).find((m) => m.text.includes(`alert #${alertId}`) && m.replyToMessageId === undefined && !m.text.includes('has not been acknowledged'));

  async function postedEverywhere(alertId: number) {
    const discord = await waitUntil(`alert #${alertId} on Discord`, () => discordMessageOf(alertId));
    const telegram = await waitUntil(`alert #${alertId} on Telegram`, () => telegramMessageOf(alertId));
    return { discord, telegram };
  }

  function slashCommand(name: string, options: Record<string, string>, userId: string, roles: string[] = []) {
    return fakes.discord.sendInteraction({
      type: 2,
      data: { id: '300000000000000001', name, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: 3, value })) },
      guild_id: '900000000000000001',
      channel_id: CHANNEL,
      member: { user: { id: userId, username: `user${userId}` }, roles },
    });
  }

  /** What the user saw: the interaction's first answer (or the edit after a deferral). */
  async function discordAnswer(interactionId: string): Promise<{ content: string; ephemeral: boolean }> {
    return waitUntil(`answer to interaction ${interactionId}`, () => {
      const responses = fakes.discord.interactionResponses.filter((r) => r.interactionId === interactionId);
      const callback = responses.find((r) => r.kind === 'callback');
      if (!callback) return undefined;
      const edit = responses.find((r) => r.kind === 'edit-original');
      if (callback.body.type === 5 && !edit) return undefined;
      const data = edit ? edit.body : callback.body.data;
      return { content: String(data.content ?? ''), ephemeral: ((data.flags ?? callback.body.data?.flags ?? 0) & 64) !== 0 };
    });
  }

  async function telegramAnswer(afterMessages: number, chatId = GROUP): Promise<string> {
    const reply = await waitUntil('a Telegram reply', () => fakes.telegram.inChat(chatId).slice(afterMessages).find((m) => m.replyToMessageId !== undefined && !m.text.includes('alert #')));
    return reply.text;
  }

  async function telegramCommand(text: string, from: Record<string, unknown> = RESPONDER_TG, chatId = GROUP): Promise<string> {
    const before = fakes.telegram.inChat(chatId).length;
    fakes.telegram.pushText(chatId, text, from);
    return telegramAnswer(before, chatId);
  }

  return {
    get fakes() {
      return fakes;
    },
    get bot() {
      return bot;
    },
    postAlert,
    discordMessageOf,
    telegramMessageOf,
    postedEverywhere,
    slashCommand,
    discordAnswer,
    telegramAnswer,
    telegramCommand,
  };
}
