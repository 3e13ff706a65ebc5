import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestBot, TEST_API_TOKEN } from './bot.js';
import { startFakes, type Fakes } from './fakes.js';
import { carriedIds } from './carried-ids.js';
import { stopLeftoverBots } from './launch.js';
import { killLeftoverBots } from './process.js';
import { deleteKeysWithPrefix, uniquePrefix } from './redis.js';
import { waitUntil } from './wait.js';

/*
 * What the recovery suites share (test/recovery.test.ts, test/redis-loss.test.ts): one pair of fakes,
 * bots on fresh storage and queue prefixes, and the checks of what arrived.
 */

export const YAML = `
routes:
  - name: all
    match: {}
    discord: ["100"]
    telegram: ["-200"]
delivery:
  backoffMs: 60000
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

/** The state of each alert's Discord delivery, as the running bot reports it. */
export async function discordStates(url: string, ids: number[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      const response = await fetch(`${url}/api/v1/alerts/${id}`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
      const detail = (await response.json()) as { deliveries: Array<{ platform: string; state: string }> };
      return detail.deliveries.find((d) => d.platform === 'discord')?.state ?? 'missing';
    }),
  );
}

export const alerts = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ severity: 'CRIT', title: `${tag} ${i}`, service: 'db' }));

/** The pid of the redis-server answering at `url` (from INFO). */
export async function redisPid(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    redis.disconnect();
  }
}

export const titled = (texts: string[], tag: string) => texts.filter((t) => t.includes(tag)).length;
/** Alert ids the Telegram chat received, each in its own message or (having waited for a retry with others) in a storm summary. */
export const carriedIn = (fakes: Fakes, chat: string) =>
  fakes.telegram
    .inChat(chat)
    .flatMap((m) => carriedIds(m.text).ids)
    .sort((a, b) => a - b);
export const idsOf = (response: { body: { alerts: Array<{ id: number }> } }) => response.body.alerts.map((a) => a.id);

/**
 * The daily cycles' schedulers, once they are back. The watch that notices the loss re-creates the
 * reconciler's schedule first; when a later step of that recovery fails on a Redis still coming back,
 * the reconciler may already have carried the deliveries while the cycles wait for the next check.
 */
export async function cycleSchedulersBack(cycles: Queue): Promise<string[]> {
  const keys = async () => (await cycles.getJobSchedulers()).map((s) => s.key).sort();
  await waitUntil('the daily cycles scheduled again', async () => (await keys()).length === 2, 15_000);
  return keys();
}

/** Registers the fakes and the clean-up of every bot, data dir and prefix the suite makes. */
export function useRecoveryWorld() {
  let fakes: Fakes;
  const dirs: string[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(async () => {
    killLeftoverBots();
    await stopLeftoverBots();
    await fakes.close();
    for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const startWithFakes = (where: { dataDir: string; prefix: string }, env: Record<string, string> = {}) =>
    startTestBot({ yaml: YAML, ...where, env, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });

  const fresh = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-recovery-'));
    const prefix = uniquePrefix('recovery');
    dirs.push(dataDir);
    prefixes.push(prefix);
    return { dataDir, prefix };
  };

  /** A bot on fresh storage whose ten alerts reached Discord while Telegram answered 502 to each: ten Telegram posts wait for a retry. */
  const tenWaitingForTelegram = async (tag: string) => {
    fakes.discord.reset();
    fakes.telegram.reset();
    const where = fresh();
    fakes.telegram.script('sendMessage', { kind: '5xx' }, 10);
    const bot = await startWithFakes(where);
    const res = await bot.post('/api/v1/alerts', alerts(10, tag));
    expect(res.status).toBe(202);
    await fakes.discord.waitFor(() => fakes.discord.inChannel('100').length === 10);
    await fakes.telegram.waitFor(() => fakes.telegram.calls.filter((c) => c.status === 502).length === 10);
    return { ...where, bot, res };
  };

  return {
    get fakes() {
      return fakes;
    },
    startWithFakes,
    fresh,
    tenWaitingForTelegram,
  };
}
