/**
 * Phase (h): intake throughput of one instance on SQLite beside 1, 2 and 3 instances sharing one
 * PostgreSQL (a throw-away database each) and one Redis. Clients post 200-alert batches to the
 * instances in turn for a fixed time; deliveries to the fakes run meanwhile, as in production.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../test/helpers/postgres.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis.js';
import { DISCORD_TOKEN, startBot, TELEGRAM_TOKEN, type BenchBot } from './bot.js';
import { benchRoutes, benchYaml } from './config.js';
import { createClient } from './http.js';

export interface ClusterIntakeOptions {
  clients: number;
  batch: number;
  seconds: number;
}

export interface ClusterIntakeRow {
  setup: string;
  perSecond: number;
  accepted: number;
  refused: number;
}

const SETUPS = [
  { setup: '1 instance, SQLite', store: 'sqlite', instances: 1 },
  { setup: '1 instance, PostgreSQL', store: 'postgres', instances: 1 },
  { setup: '2 instances, PostgreSQL', store: 'postgres', instances: 2 },
  { setup: '3 instances, PostgreSQL', store: 'postgres', instances: 3 },
] as const;

export async function runClusterIntake(options: ClusterIntakeOptions): Promise<ClusterIntakeRow[]> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const routes = benchRoutes('cluster', 4, true);
  const yaml = benchYaml(routes, { bodyLimitBytes: 8 * 1_048_576, maxAlertsPerRequest: Math.max(1_000, options.batch) });
  const bodies = routes.map((route) => JSON.stringify(Array.from({ length: options.batch }, (_, i) => ({ severity: 'WARN', title: `cluster ${i}`, service: route.service }))));
  const rows: ClusterIntakeRow[] = [];
  try {
    for (const { setup, store, instances } of SETUPS) {
      const database: ThrowawayDatabase | undefined = store === 'postgres' ? await createThrowawayDatabase('bench_cluster') : undefined;
      const prefix = `opsbot-bench-cluster-${randomBytes(4).toString('hex')}`;
      const bots: BenchBot[] = [];
      try {
        for (let i = 0; i < instances; i++) {
          const env: Record<string, string> = { OPSBOT_INSTANCE: `ops-${i}`, ...(database ? { DATABASE_URL: database.url } : {}) };
          bots.push(await startBot({ label: `cluster-${i}`, yaml, discordApiUrl: discord.apiUrl, telegramApiRoot: telegram.apiRoot, probe: false, prefix, env }));
        }
        rows.push({ setup, ...(await flood(bots, bodies, options)) });
      } finally {
        for (const bot of bots) await bot.stop();
        await deleteKeysWithPrefix(prefix);
        await database?.drop();
      }
    }
  } finally {
    await Promise.all([discord.close(), telegram.close()]);
  }
  return rows;
}

async function flood(bots: BenchBot[], bodies: string[], options: ClusterIntakeOptions) {
  const clients = bots.map((bot) => createClient(bot.url, options.clients));
  let accepted = 0;
  let refused = 0;
  const start = performance.now();
  const end = start + options.seconds * 1000;
  const clientLoop = async (c: number) => {
    for (let n = c; performance.now() < end; n++) {
      const response = await clients[n % clients.length]!.post('/api/v1/alerts', bodies[n % bodies.length]!).catch(() => undefined);
      if (response?.status === 202) accepted += (response.body.alerts as unknown[]).length;
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, c) => clientLoop(c)));
  const seconds = (performance.now() - start) / 1000;
  for (const client of clients) client.close();
  return { perSecond: accepted / seconds, accepted, refused };
}

export function clusterIntakeTable(rows: ClusterIntakeRow[]): string[][] {
  return [['(h) setup', 'alerts accepted/s', 'accepted', 'refused batches'], ...rows.map((r) => [r.setup, Math.round(r.perSecond).toLocaleString('en-US'), r.accepted.toLocaleString('en-US'), String(r.refused)])];
}
