/**
 * Phase (f): the governance dashboard's main page. The bot's SQLite store is seeded (through the real
 * migrations) with 100,000 alerts (1,000 of them firing, a pending escalation step for each firing
 * CRIT), 1,000,000 service_events spread over 20 flapping services and the last 30 days, and 2,000
 * heal runs; then the compiled bot starts on it, the bench logs in through the form and GETs
 * /ops/governance over and over, timing each request until its whole body has arrived.
 */
import { performance } from 'node:perf_hooks';
import { openSqliteDb } from '../src/db/open.js';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { API_TOKEN, DISCORD_TOKEN, startBot, TELEGRAM_TOKEN } from './bot.js';
import { summarize, type Summary } from './stats.js';

export interface DashboardBenchOptions {
  alerts: number;
  firing: number;
  events: number;
  services: number;
  requests: number;
  warmup: number;
  cpuProfDir?: string;
}

export interface DashboardBenchResult {
  seedMs: number;
  /** The first GET after start-up (fills the uptime bucket cache from the 7-day history). */
  coldMs: number;
  page: Summary;
  pageBytes: number;
  problems: Record<string, number>;
}

const DAY = 86_400_000;
const SEVERITIES = ['CRIT', 'WARN', 'INFO'] as const;

function serviceName(i: number) {
  return `svc-${String(i).padStart(2, '0')}`;
}

/** Raw prepared statements in one transaction: 1.1 M rows in a few seconds. */
export function seedStore(dataDir: string, options: DashboardBenchOptions): number {
  const started = performance.now();
  const db = openSqliteDb(dataDir);
  const sqlite = db.$client;
  const now = Date.now();
  let seed = 1;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const insertAlert = sqlite.prepare(
    `insert into alerts (severity, title, body, service, labels, dedup_key, source, status, count, revision, route, fired_at, last_seen_at, accepted_at, resolved_at, resolved_by)
     values (?, ?, ?, ?, '{"env":"prod"}', ?, 'bench', ?, 1, 1, '{"matched":[],"usedDefault":true,"destinations":[]}', ?, ?, ?, ?, ?)`,
  );
  const insertStep = sqlite.prepare(
    `insert into escalation_steps (alert_id, policy, level, due_at, state) values (?, 'default', 1, ?, 'pending')`,
  );
  const insertEvent = sqlite.prepare('insert into service_events (service, at, kind, up, detail) values (?, ?, ?, ?, ?)');
  const insertRun = sqlite.prepare(
    `insert into heal_runs (service, action, trigger, triggered_by, state, started_at, finished_at, duration_ms, exit_code, verification)
     values (?, 'restart', 'probe', 'probe', ?, ?, ?, 1200, 0, 'healthy again after 1.2 s')`,
  );
  sqlite.transaction(() => {
    const resolvedCount = options.alerts - options.firing;
    for (let i = 0; i < options.alerts; i++) {
      const firing = i >= resolvedCount;
      const severity = SEVERITIES[i % 3]!;
      const firedAt = firing ? now - Math.floor(random() * DAY) : now - 30 * DAY + Math.floor((i / resolvedCount) * 29 * DAY);
      const info = insertAlert.run(
        severity,
        `bench alert ${i} <${severity}>`,
        `body of alert ${i}`,
        serviceName(i % options.services),
        `bench-${i}`,
        firing ? 'firing' : 'resolved',
        firedAt,
        firedAt,
        firedAt,
        firing ? null : firedAt + 60_000,
        firing ? null : 'bench',
      );
      if (firing && severity === 'CRIT') insertStep.run(info.lastInsertRowid, now + DAY);
    }
    const perService = Math.floor(options.events / options.services);
    for (let s = 0; s < options.services; s++) {
      const service = serviceName(s);
      const step = (30 * DAY) / perService;
      for (let e = 0; e < perService; e++) {
        const at = Math.floor(now - 30 * DAY + e * step + random() * step * 0.5);
        const r = random();
        if (r < 0.02) insertEvent.run(service, at, r < 0.01 ? 'disabled' : 'enabled', null, 'by bench');
        else if (r < 0.8) insertEvent.run(service, at, 'healthy', 1, 'probe ok');
        else insertEvent.run(service, at, 'unhealthy', 0, 'probe failed: connection refused');
      }
    }
    for (let i = 0; i < 2_000; i++) {
      const at = now - 30 * DAY + Math.floor((i / 2_000) * 30 * DAY);
      insertRun.run(serviceName(i % options.services), i % 10 === 0 ? 'failed' : 'succeeded', at, at + 1_200);
    }
  })();
  sqlite.close();
  return performance.now() - started;
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/ops/governance/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(API_TOKEN)}&name=bench`,
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !cookie) throw new Error(`dashboard login failed: HTTP ${response.status}`);
  return cookie;
}

async function timedGet(url: string, cookie: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await fetch(`${url}/ops/governance`, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200 || !body.includes('Firing alerts')) throw new Error(`GET /ops/governance: HTTP ${response.status}`);
  return { ms, bytes: Buffer.byteLength(body) };
}

export async function runDashboard(options: DashboardBenchOptions): Promise<DashboardBenchResult> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const services = Array.from(
    { length: options.services },
    (_, i) => `  - { name: ${serviceName(i)}, role: "bench role ${i}", owner: team-${i % 4}, command: ["sleep", "3600"] }`,
  );
  const beats = Array.from({ length: 5 }, (_, i) => `  - { name: job-${i}, period: 1h }`);
  const yaml = ['escalation: { bySeverity: {} }', 'services:', ...services, 'heartbeats:', ...beats, ''].join('\n');
  let seedMs = 0;
  const bot = await startBot({
    label: 'dashboard',
    yaml,
    discordApiUrl: discord.apiUrl,
    telegramApiRoot: telegram.apiRoot,
    probe: false,
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    prepare: (dataDir) => {
      seedMs = seedStore(dataDir, options);
    },
  });
  try {
    const cookie = await login(bot.url);
    const cold = await timedGet(bot.url, cookie);
    for (let i = 1; i < options.warmup; i++) await timedGet(bot.url, cookie);
    const samples: number[] = [];
    let pageBytes = cold.bytes;
    for (let i = 0; i < options.requests; i++) {
      const { ms, bytes } = await timedGet(bot.url, cookie);
      samples.push(ms);
      pageBytes = bytes;
    }
    return { seedMs, coldMs: cold.ms, page: summarize(samples), pageBytes, problems: bot.problems };
  } finally {
    await bot.stop();
    await discord.close();
    await telegram.close();
  }
}
