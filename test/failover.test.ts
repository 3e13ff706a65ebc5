import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN } from './helpers/bot.js';
import { carriedIds } from './helpers/carried-ids.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './helpers/postgres.js';
import { killLeftoverBots, spawnBot, type BotProcess } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { statusAnswer } from './helpers/status-command.js';

const CHANNEL = '100';
const CHAT = '-200';
const YAML = `
routes:
  - name: all
    match: {}
    discord: ["${CHANNEL}"]
    telegram: ["${CHAT}"]
access: { discord: { users: { "501": responder } } }
delivery: { requestTimeoutMs: 2000 }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

type Name = 'ops-a' | 'ops-b' | 'ops-c';

/** How many chat messages carried each alert id: its own message or a storm summary's id list. */
function countById(texts: string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of texts.flatMap((text) => carriedIds(text).ids)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Three opsbot processes on one PostgreSQL and one Redis with the fake chat APIs. Alerts stream into
 * all three while the leader is killed with SIGKILL: what any of them accepted arrives, the new
 * leader answers commands, the ops cycle runs once, and the old leader rejoins without taking over.
 */
describe('three instances, the leader killed mid-stream', () => {
  let fakes: Fakes;
  let database: ThrowawayDatabase;
  let dataDir: string;
  const prefix = uniquePrefix('failover');
  const bots = new Map<Name, BotProcess>();

  const spawn = async (name: Name) => {
    const bot = await spawnBot({
      API_TOKEN: TEST_API_TOKEN,
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: database.url,
      OPSBOT_INSTANCE: name,
      OPSBOT_DATA_DIR: join(dataDir, name),
      OPSBOT_QUEUE_PREFIX: prefix,
      OPSBOT_CONFIG: join(dataDir, 'opsbot.yaml'),
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      DISCORD_API_URL: fakes.discord.apiUrl,
      TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN,
      TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    }, 30_000);
    bots.set(name, bot);
    return bot;
  };
  const api = async (bot: BotProcess, path: string) => {
    const response = await fetch(`${bot.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
    return (await response.json()) as Record<string, any>;
  };
  const leaderSeenBy = async (bot: BotProcess) => ((await api(bot, '/api/v1/cluster')).leader?.name as string | undefined) ?? null;
  const discordTexts = () => fakes.discord.inChannel(CHANNEL).map((m) => [m.content, ...m.embeds.flatMap((e) => [e.title, e.description, e.footer?.text])].join('\n'));
  const telegramTexts = () => fakes.telegram.inChat(CHAT).map((m) => m.text);

  beforeAll(async () => {
    fakes = await startFakes();
    database = await createThrowawayDatabase('failover');
    dataDir = mkdtempSync(join(tmpdir(), 'opsbot-failover-'));
    writeFileSync(join(dataDir, 'opsbot.yaml'), `${YAML}opsCycle: { reportsDir: ${join(dataDir, 'reports')} }\n`);
    await Promise.all([spawn('ops-a'), spawn('ops-b'), spawn('ops-c')]);
  }, 90_000);

  afterAll(async () => {
    killLeftoverBots();
    await fakes?.close();
    await database?.drop();
    await deleteKeysWithPrefix(prefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Posts two alerts at a time to each running instance in turn until stopped; keeps the ids of every 202. */
  function stream() {
    const accepted: number[] = [];
    /** Answers other than 202 (a request to the killed instance fails to connect and is not one). */
    const refused: number[] = [];
    let running = true;
    const loop = (async () => {
      for (let i = 0; running; i++) {
        const bot = [...bots.values()][i % bots.size]!;
        try {
          const response = await fetch(`${bot.url}/api/v1/alerts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify([0, 1].map((n) => ({ severity: 'CRIT', title: `stream ${i}.${n}`, service: 'db' }))),
            signal: AbortSignal.timeout(5_000),
          });
          if (response.status === 202) accepted.push(...((await response.json()) as { alerts: Array<{ id: number }> }).alerts.map((a) => a.id));
          else refused.push(response.status);
        } catch {
          // the killed instance: nothing accepted, nothing to find later
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return {
      accepted,
      refused,
      async stop() {
        running = false;
        await loop;
      },
    };
  }

  it('every alert accepted by any instance arrives once, the new leader answers, the cycle runs once, the old leader rejoins as a follower', async () => {
    const first = bots.get('ops-a')!;
    const leaderName = (await waitUntil('a leader', () => leaderSeenBy(first), 10_000)) as Name;
    const leading = bots.get(leaderName)!;
    await waitUntil('one Gateway session, the leader’s', () => fakes.discord.gatewaySessions === 1, 10_000);

    const alerts = stream();
    await waitUntil('alerts accepted before the kill', () => alerts.accepted.length >= 60, 20_000);
    // Thirty Telegram posts hang: each instance's worker holds at most ten (delivery.concurrency), so the leader holds ten at its death.
    fakes.telegram.script('sendMessage', { kind: 'hang' }, 30);
    await waitUntil('thirty Telegram posts in flight', () => fakes.telegram.calls.filter((c) => c.method === 'sendMessage' && c.status === 0).length === 30, 10_000);
    leading.child.kill('SIGKILL');
    await leading.exited;
    bots.delete(leaderName);
    const beforeKill = alerts.accepted.length;
    await waitUntil('alerts accepted by the others after the kill', () => alerts.accepted.length >= beforeKill + 60, 20_000);
    await alerts.stop();
    expect(alerts.refused).toEqual([]);

    const survivor = [...bots.values()][0]!;
    const leader = await waitUntil('a new leader', async () => {
      const name = await leaderSeenBy(survivor);
      return name && name !== leaderName ? name : undefined;
    }, 20_000);
    await waitUntil('the new leader’s Gateway session', () => fakes.discord.gatewaySessions === 1, 15_000);
    expect(await statusAnswer(fakes.discord, CHANNEL)).toContain('opsbot status');

    const ids = [...alerts.accepted].sort((a, b) => a - b);
    await waitUntil('every accepted alert on Discord and Telegram', () => {
      const discord = countById(discordTexts());
      const telegram = countById(telegramTexts());
      return ids.every((id) => discord.has(id) && telegram.has(id));
    }, 45_000);
    const discord = countById(discordTexts());
    const telegram = countById(telegramTexts());
    expect(ids.filter((id) => discord.get(id) !== 1)).toEqual([]);
    expect(ids.filter((id) => (telegram.get(id) ?? 0) > 2)).toEqual([]);

    const cycles = new Queue('ops-cycle', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      expect((await cycles.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['ops-cycle-0900', 'ops-cycle-2100']);
      await cycles.add('cycle', {});
      const idle = async () => Object.values(await cycles.getJobCounts('waiting', 'active')).every((n) => n === 0);
      await waitUntil('the ops cycle ran and its job is done', async () => discordTexts().some((t) => t.includes('ops digest')) && (await idle()), 30_000);
      expect(discordTexts().filter((t) => t.includes('ops digest'))).toHaveLength(1);
    } finally {
      await cycles.close();
    }

    const back = await spawn(leaderName);
    const beats = async () => ((await api(back, '/api/v1/cluster')).instances as Array<{ name: string; lastBeatAt: string; lost: boolean }>).find((i) => i.name === leaderName);
    const rejoined = await waitUntil('the old leader beating again', async () => ((await beats())?.lost === false ? await beats() : undefined), 10_000);
    await waitUntil('a later beat of the old leader', async () => (await beats())!.lastBeatAt > rejoined!.lastBeatAt, 10_000);
    expect(await leaderSeenBy(back)).toBe(leader);
    expect(fakes.discord.gatewaySessions).toBe(1);
    expect(back.lines.filter((line) => typeof line === 'object' && line.msg === 'this instance leads')).toEqual([]);
  }, 150_000);
});
