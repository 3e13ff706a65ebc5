/**
 * Phase (b): concurrent clients post batches for a fixed time to a handful of destinations; then
 * waits (bounded) until every accepted alert is in a chat message (its own, or a storm summary's
 * id list) and counts alerts that appear twice for the same destination.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { DISCORD_TOKEN, startBot, TELEGRAM_TOKEN, type ProbeReport } from './bot.js';
import { benchRoutes, benchYaml, type BenchRoute } from './config.js';
import { createClient } from './http.js';
import { carriedIds, type Carried } from '../test/helpers/carried-ids.js';
import { discordText } from './messages.js';
import { summarize, type Summary } from './stats.js';
import { fileConfigSchema } from '../src/config/file-schema.js';
import { SUMMARY_MAX_ALERTS } from '../src/delivery/summary-store.js';

export interface FloodOptions {
  clients: number;
  batch: number;
  seconds: number;
  /** Routes by service, each to one Discord channel and one Telegram group. */
  routes: number;
  drainSeconds: number;
  /** `delivery.concurrency` for the bot; its default when absent. */
  deliverConcurrency?: number;
  probe: boolean;
  cpuProfDir?: string;
}

type Platform = 'discord' | 'telegram';

interface Received {
  own: number;
  summaries: number;
  omittedIds: number;
  /** destination → alert id → how many messages carried it */
  carried: Map<string, Map<number, number>>;
}

export interface FloodResult {
  accepted: number;
  acceptSeconds: number;
  perSecond: number;
  requests: number;
  refused: number;
  refusal?: string;
  batchMs: Summary;
  messages: Record<Platform, { own: number; summaries: number; omittedIds: number }>;
  /** Chat messages (own and summaries) that arrived while the clients were still posting. */
  duringFlood: Record<Platform, number>;
  expected: number;
  covered: number;
  duplicates: number;
  drainMs: number | null;
  /** Least time after the flood's start that the default pacing needs to carry the busiest destination's alerts. */
  pacingFloor: Record<Platform, { perDestination: number; seconds: number }>;
  uncoveredSample: Record<string, number>;
  probe?: ProbeReport;
  problems: Record<string, number>;
}

export async function runFlood(options: FloodOptions): Promise<FloodResult> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const received: Record<Platform, Received> = {
    discord: { own: 0, summaries: 0, omittedIds: 0, carried: new Map() },
    telegram: { own: 0, summaries: 0, omittedIds: 0, carried: new Map() },
  };
  const onMessage = (platform: Platform, destination: string, carried: Carried) => {
    const r = received[platform];
    if (carried.kind === 'own') r.own++;
    if (carried.kind === 'summary') r.summaries++;
    r.omittedIds += carried.omitted;
    let counts = r.carried.get(destination);
    if (!counts) r.carried.set(destination, (counts = new Map()));
    for (const id of carried.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  telegram.onMessage((m) => onMessage('telegram', m.chatId, carriedIds(m.text)));
  discord.onMessage((m) => onMessage('discord', m.channelId, carriedIds(discordText(m))));

  const routes = benchRoutes('flood', options.routes, true);
  const bot = await startBot({
    label: 'flood',
    yaml: benchYaml(
      routes,
      { bodyLimitBytes: 8 * 1_048_576, maxAlertsPerRequest: Math.max(1_000, options.batch) },
      undefined,
      options.deliverConcurrency,
    ),
    discordApiUrl: discord.apiUrl,
    telegramApiRoot: telegram.apiRoot,
    probe: options.probe,
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
  });
  const ids: number[] = [];
  const routeOf: number[] = [];
  const batchMs: number[] = [];
  let requests = 0;
  let refused = 0;
  let refusal: string | undefined;
  let acceptSeconds = 0;
  let drainMs: number | null = null;
  let duringFlood: Record<Platform, number> = { discord: 0, telegram: 0 };
  let uncoveredSample: Record<string, number> = {};
  let report: ProbeReport | undefined;
  const coverage = () => countCoverage(ids, routeOf, routes, received);
  try {
    const client = createClient(bot.url, options.clients);
    const bodies = routes.map((route) => JSON.stringify(batchFor(route, options.batch)));
    const start = performance.now();
    const end = start + options.seconds * 1000;
    const clientLoop = async (c: number) => {
      for (let n = c; performance.now() < end; n++) {
        const routeIndex = n % routes.length;
        const t = performance.now();
        const res = await client.post('/api/v1/alerts', bodies[routeIndex]!).catch((error: Error) => ({ status: 0, body: error.message }));
        batchMs.push(performance.now() - t);
        requests++;
        if (res.status !== 202) {
          refused++;
          refusal ??= `${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`;
          continue;
        }
        for (const outcome of res.body.alerts as Array<{ id: number | null }>) {
          if (outcome.id === null) continue;
          ids.push(outcome.id);
          routeOf.push(routeIndex);
        }
      }
    };
    await Promise.all(Array.from({ length: options.clients }, (_, c) => clientLoop(c)));
    const floodEnd = performance.now();
    duringFlood = { discord: received.discord.own + received.discord.summaries, telegram: received.telegram.own + received.telegram.summaries };
    acceptSeconds = (floodEnd - start) / 1000;

    const floor = pacingFloor(ids.length / routes.length);
    const paced = start + (Math.max(floor.discord.seconds, floor.telegram.seconds) + PACING_MARGIN_S) * 1000;
    const deadline = Math.max(floodEnd + options.drainSeconds * 1000, paced);
    while (performance.now() < deadline) {
      if (coverage().covered === ids.length * 2) {
        drainMs = performance.now() - floodEnd;
        break;
      }
      await sleep(250);
    }
    await sleep(1_000); // late duplicates
    uncoveredSample = await sampleUncovered(client, ids, routeOf, routes, received);
    client.close();
  } finally {
    report = await bot.stop();
    await Promise.all([discord.close(), telegram.close()]);
  }
  const { covered, duplicates } = coverage();
  const counts = (p: Platform) => ({ own: received[p].own, summaries: received[p].summaries, omittedIds: received[p].omittedIds });
  return {
    accepted: ids.length,
    acceptSeconds,
    perSecond: ids.length / acceptSeconds,
    requests,
    refused,
    ...(refusal ? { refusal } : {}),
    batchMs: summarize(batchMs),
    messages: { discord: counts('discord'), telegram: counts('telegram') },
    duringFlood,
    expected: ids.length * 2,
    covered,
    duplicates,
    drainMs,
    pacingFloor: pacingFloor(ids.length / routes.length),
    uncoveredSample,
    ...(report ? { probe: report } : {}),
    problems: bot.problems,
  };
}

/** Summaries of ≤ SUMMARY_MAX_ALERTS at the default pace: `burst` at once, then one per interval. */
/** A flood whose summaries need longer than the drain at the default pace gets its pacing floor plus this. */
const PACING_MARGIN_S = 30;

function pacingFloor(perDestination: number): FloodResult['pacingFloor'] {
  const { discord, telegram } = fileConfigSchema.parse({}).pacing;
  const discordChannel = discord.destinations.discordChannel!;
  const telegramGroup = telegram.destinations.telegramGroup!;
  const floor = (pace: { burst: number; intervalMs: number }) => ({
    perDestination,
    seconds: (Math.max(0, Math.ceil(perDestination / SUMMARY_MAX_ALERTS) - pace.burst) * pace.intervalMs) / 1000,
  });
  return { discord: floor(discordChannel), telegram: floor(telegramGroup) };
}

function batchFor(route: BenchRoute, size: number) {
  return Array.from({ length: size }, (_, j) => ({
    severity: j % 10 === 0 ? 'CRIT' : 'WARN',
    title: `flood ${route.service} item ${j}`,
    service: route.service,
    labels: { bench: 'flood', item: String(j) },
  }));
}

/** (alert, destination) pairs carried by at least one message, and pairs carried by two or more. */
function countCoverage(ids: number[], routeOf: number[], routes: BenchRoute[], received: Record<Platform, Received>) {
  let covered = 0;
  let duplicates = 0;
  for (let i = 0; i < ids.length; i++) {
    const route = routes[routeOf[i]!]!;
    for (const [platform, destination] of [
      ['discord', route.discord],
      ['telegram', route.telegram],
    ] as const) {
      const times = received[platform].carried.get(destination)?.get(ids[i]!) ?? 0;
      if (times > 0) covered++;
      if (times > 1) duplicates++;
    }
  }
  return { covered, duplicates };
}

/** For up to 100 (alert, destination) pairs no message carried: what the bot's API says about them. */
async function sampleUncovered(
  client: ReturnType<typeof createClient>,
  ids: number[],
  routeOf: number[],
  routes: BenchRoute[],
  received: Record<Platform, Received>,
): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  let sampled = 0;
  for (let i = 0; i < ids.length && sampled < 100; i++) {
    const route = routes[routeOf[i]!]!;
    for (const [platform, destination] of [
      ['discord', route.discord],
      ['telegram', route.telegram],
    ] as const) {
      if (sampled >= 100 || received[platform].carried.get(destination)?.has(ids[i]!)) continue;
      sampled++;
      const res = await client.get(`/api/v1/alerts/${ids[i]}`);
      const delivery = (res.body?.deliveries ?? []).find((d: any) => d.platform === platform);
      const key = delivery
        ? `${platform} ${delivery.state}${delivery.summary ? ` (summary ${delivery.summary.state})` : ''}`
        : `${platform} HTTP ${res.status}`;
      states[key] = (states[key] ?? 0) + 1;
    }
  }
  return states;
}
