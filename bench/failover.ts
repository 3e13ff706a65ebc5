/**
 * Phase (g): three instances on one PostgreSQL (a throw-away database) and one Redis. The leader is
 * SIGKILLed while ten Telegram posts it took alone hang; measured from the kill: a new leader in the store,
 * the first answered slash command (/status, sent every 100 ms), the first delivery of an alert
 * accepted after the kill, and the dead leader's hung posts carried by the others.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { carriedIds } from '../test/helpers/carried-ids.js';
import { createThrowawayDatabase } from '../test/helpers/postgres.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis.js';
import { DISCORD_TOKEN, startBot, TELEGRAM_TOKEN, type BenchBot } from './bot.js';
import { createClient } from './http.js';
import { discordText } from './messages.js';

export interface FailoverResult {
  /** ms after the SIGKILL; null when it did not happen within the phase's 60 s. */
  newLeaderMs: number | null;
  newLeader: string | null;
  firstInteractionMs: number | null;
  firstDeliveryMs: number | null;
  /** The ten posts the dead leader held: when the first and the last arrived through another instance. */
  heldByDeadFirstMs: number | null;
  heldByDeadAllMs: number | null;
  interactionsSent: number;
  acceptedAfterKill: number;
}

const CHANNEL = '100';
const CHAT = '-200';
const YAML = `
routes:
  - { name: all, match: {}, discord: ["${CHANNEL}"], telegram: ["${CHAT}"] }
access: { discord: { users: { "501": responder } } }
delivery: { requestTimeoutMs: 30000 }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

export async function runFailover(): Promise<FailoverResult> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const database = await createThrowawayDatabase('bench_failover');
  const prefix = `opsbot-bench-failover-${randomBytes(4).toString('hex')}`;
  const bots: BenchBot[] = [];
  const start = async (name: string) => {
    const bot = await startBot({
      label: `failover-${name}`,
      yaml: YAML,
      discordApiUrl: discord.apiUrl,
      telegramApiRoot: telegram.apiRoot,
      probe: false,
      prefix,
      env: { DATABASE_URL: database.url, OPSBOT_INSTANCE: name },
    });
    bots.push(bot);
    return bot;
  };
  try {
    // The leader starts alone and takes ten posts that hang (for the 30 s request timeout); then the others join.
    const leader = await start('ops-a');
    telegram.script('sendMessage', { kind: 'hang' }, 10);
    const toLeader = createClient(leader.url, 1);
    await toLeader.post('/api/v1/alerts', JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ severity: 'WARN', title: `held ${i}`, service: 'db' }))));
    toLeader.close();
    await until(() => hungPosts(telegram).length === 10, 20_000);
    const hung = new Set(hungPosts(telegram));
    const [b, c] = await Promise.all([start('ops-b'), start('ops-c')]);
    const survivors = [b!, c!].map((bot) => createClient(bot.url, 4));
    await until(() => discord.gatewaySessions === 1, 20_000);

    const killedAt = performance.now();
    leader.child.kill('SIGKILL');
    const since = () => performance.now() - killedAt;
    const result: FailoverResult = { newLeaderMs: null, newLeader: null, firstInteractionMs: null, firstDeliveryMs: null, heldByDeadFirstMs: null, heldByDeadAllMs: null, interactionsSent: 0, acceptedAfterKill: 0 };

    const afterKill = new Set<number>();
    const seenHung = new Set<number>();
    const onIds = (ids: number[]) => {
      if (result.firstDeliveryMs === null && ids.some((id) => afterKill.has(id))) result.firstDeliveryMs = since();
      for (const id of ids.filter((i) => hung.has(i))) {
        seenHung.add(id);
        result.heldByDeadFirstMs ??= since();
        if (seenHung.size === 10) result.heldByDeadAllMs ??= since();
      }
    };
    const stopTelegram = telegram.onMessage((m) => onIds(carriedIds(m.text).ids));
    const stopDiscord = discord.onMessage((m) => onIds(carriedIds(discordText(m)).ids));

    const deadline = killedAt + 60_000;
    const done = () => [result.newLeaderMs, result.firstInteractionMs, result.firstDeliveryMs, result.heldByDeadAllMs].every((v) => v !== null);
    const streaming = (async () => {
      for (let n = 0; !done() && performance.now() < deadline; n++) {
        const response = await survivors[n % 2]!.post('/api/v1/alerts', JSON.stringify({ severity: 'WARN', title: `after kill ${n}`, service: 'db' })).catch(() => undefined);
        const id = response?.status === 202 ? (response.body.alerts[0]?.id as number | undefined) : undefined;
        if (id !== undefined) afterKill.add(id);
        await sleep(100);
      }
    })();
    const electing = (async () => {
      while (result.newLeaderMs === null && performance.now() < deadline) {
        const view = await survivors[0]!.get('/api/v1/cluster').catch(() => undefined);
        const name = view?.body?.leader?.name as string | undefined;
        if (name && name !== 'ops-a') {
          result.newLeaderMs = since();
          result.newLeader = name;
        }
        await sleep(50);
      }
    })();
    const interacting = (async () => {
      const sent = new Set<string>();
      while (result.firstInteractionMs === null && performance.now() < deadline) {
        if (discord.interactionResponses.some((r) => sent.has(r.interactionId) && r.kind === 'callback')) {
          result.firstInteractionMs = since();
          break;
        }
        try {
          const interaction = await discord.sendInteraction(statusInteraction());
          sent.add(interaction.id as string);
          result.interactionsSent++;
        } catch {
          // no Gateway session yet: the next try in 100 ms
        }
        await sleep(100);
      }
    })();
    await Promise.all([streaming, electing, interacting]);
    result.acceptedAfterKill = afterKill.size;
    stopTelegram();
    stopDiscord();
    for (const client of survivors) client.close();
    return result;
  } finally {
    for (const bot of bots) await bot.stop();
    await deleteKeysWithPrefix(prefix);
    await database.drop();
    await Promise.all([discord.close(), telegram.close()]);
  }
}

/** Alert ids in Telegram posts the fake holds unanswered. */
function hungPosts(telegram: FakeTelegram): number[] {
  return telegram.calls.filter((call) => call.method === 'sendMessage' && call.status === 0).flatMap((call) => carriedIds(String(call.payload.text ?? '')).ids);
}

function statusInteraction() {
  return {
    type: 2,
    data: { id: '300000000000000001', name: 'status', type: 1, options: [] },
    guild_id: '900000000000000001',
    channel_id: CHANNEL,
    member: { user: { id: '501', username: 'alice' }, roles: [] },
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('bench failover: timed out waiting for the cluster to settle');
    await sleep(20);
  }
}

const seconds = (value: number | null) => (value === null ? 'not within 60 s' : `${(value / 1000).toFixed(2)} s`);

export function failoverTable(result: FailoverResult): string[][] {
  const under10 = (value: number | null) => (value !== null && value < 10_000 ? 'yes' : 'NO');
  return [
    ['after the leader’s SIGKILL', 'measured', 'target', 'met'],
    [`(g) another instance leads (${result.newLeader ?? 'none'})`, seconds(result.newLeaderMs), '', ''],
    [`(g) first answered slash command (/status every 100 ms, ${result.interactionsSent} sent)`, seconds(result.firstInteractionMs), '< 10 s', under10(result.firstInteractionMs)],
    [`(g) first delivery of an alert accepted after the kill (${result.acceptedAfterKill} accepted)`, seconds(result.firstDeliveryMs), '< 10 s', under10(result.firstDeliveryMs)],
    ['(g) the dead leader’s 10 hung posts: first / all carried by another instance', `${seconds(result.heldByDeadFirstMs)} / ${seconds(result.heldByDeadAllMs)}`, '', ''],
  ];
}
