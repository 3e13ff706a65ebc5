/**
 * Phase (d): Discord interactions. Slash commands (/status, /ack, /silences, /help) arrive over the
 * Gateway at a steady rate; the time is from just before the fake dispatches INTERACTION_CREATE
 * to when the bot's answer (the interaction callback) reaches the fake.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { API_TOKEN, DISCORD_TOKEN, startBot, TELEGRAM_TOKEN } from './bot.js';
import { summarize, type Summary } from './stats.js';

export interface InteractionOptions {
  rate: number;
  seconds: number;
  /** Firing alerts stored before the run, so /status and /ack have work to do. */
  alerts: number;
  /** Interactions sent first on the same schedule and left out of the figures (JIT, first connections). */
  warmup: number;
}

export interface InteractionResult {
  sent: number;
  answered: number;
  /** The slowest warm-up interaction: what the first commands after a start-up cost. */
  coldMax: number;
  byCommand: Record<string, Summary>;
  all: Summary;
  problems: Record<string, number>;
}

const CHANNEL = '910000000000000001';
const RESPONDER = '920000000000000001';

export async function runInteractions(options: InteractionOptions): Promise<InteractionResult> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const yaml = [
    `defaultRoute: { discord: ["${CHANNEL}"] }`,
    `access: { discord: { users: { "${RESPONDER}": responder } } }`,
    'escalation: { bySeverity: {} }',
    '',
  ].join('\n');
  const bot = await startBot({ label: 'interactions', yaml, discordApiUrl: discord.apiUrl, telegramApiRoot: telegram.apiRoot, probe: false });
  try {
    await discord.waitFor(() => discord.gatewaySessions === 1 && discord.commands.global.length > 0, 20_000);
    const alerts = Array.from({ length: options.alerts }, (_, i) => ({ severity: i % 3 === 0 ? 'CRIT' : 'WARN', title: `bench alert ${i}`, service: `svc-${i % 7}` }));
    const posted = await fetch(`${bot.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    const ids = ((await posted.json()) as { alerts: Array<{ id: number }> }).alerts.map((a) => a.id);
    await discord.waitFor(() => discord.inChannel(CHANNEL).length > 0, 20_000);

    const total = options.warmup + options.rate * options.seconds;
    const commands = (i: number) => {
      switch (i % 4) {
        case 0:
          return { name: 'status', options: [] };
        case 1:
          return { name: 'ack', options: [{ name: 'alert', type: 3, value: String(ids[Math.floor(i / 4) % ids.length]) }] };
        case 2:
          return { name: 'silences', options: [] };
        default:
          return { name: 'help', options: [] };
      }
    };
    const sentAt = new Map<string, { at: number; command: string }>();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const { name, options: opts } = commands(i);
      const at = performance.now();
      const interaction = await discord.sendInteraction({
        type: 2,
        data: { id: '930000000000000001', name, type: 1, options: opts },
        guild_id: '940000000000000001',
        channel_id: CHANNEL,
        member: { user: { id: RESPONDER, username: 'bench' }, roles: [] },
      });
      sentAt.set(interaction.id as string, { at, command: name });
    }
    const answerAt = () => {
      const found = new Map<string, number>();
      for (const call of discord.calls) {
        const match = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(call.path);
        if (match && call.status > 0 && !found.has(match[1]!)) found.set(match[1]!, call.at);
      }
      return found;
    };
    const deadline = performance.now() + 10_000;
    while (answerAt().size < total && performance.now() < deadline) await sleep(50);
    const answers = answerAt();
    const byName: Record<string, number[]> = {};
    const all: number[] = [];
    let index = 0;
    let coldMax = 0;
    for (const [id, sent] of sentAt) {
      const at = answers.get(id);
      if (index++ < options.warmup) {
        coldMax = Math.max(coldMax, (at ?? Infinity) - sent.at);
        continue;
      }
      if (at === undefined) continue;
      (byName[sent.command] ??= []).push(at - sent.at);
      all.push(at - sent.at);
    }
    return {
      sent: total - options.warmup,
      answered: all.length,
      coldMax,
      byCommand: Object.fromEntries(Object.entries(byName).map(([name, values]) => [name, summarize(values)])),
      all: summarize(all),
      problems: bot.problems,
    };
  } finally {
    await bot.stop();
    await discord.close();
    await telegram.close();
  }
}
