/**
 * Phase (a): one alert per POST on a fixed schedule, each routed to its own Discord channel and
 * Telegram private chat (pace never exceeded, so every alert gets its own message).
 * Latency = fake arrival (performance.now() in the onMessage listener) − time just before the POST.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeDiscord } from '../test/fakes/discord.js';
import { FakeTelegram } from '../test/fakes/telegram.js';
import { DISCORD_TOKEN, startBot, TELEGRAM_TOKEN, type ProbeReport } from './bot.js';
import { benchRoutes, benchYaml } from './config.js';
import { createClient } from './http.js';
import { measureFloor, type MachineFloor } from './floor.js';
import { discordText } from './messages.js';
import { summarize, type Summary } from './stats.js';

export interface LatencyOptions {
  rate: number;
  seconds: number;
  /** Alerts sent first on the same schedule and left out of the figures (JIT, connections). */
  warmup: number;
  routes: number;
  probe: boolean;
  /** Lift opsbot's bot-wide budgets to this many messages/s per platform (undefined: the defaults, 45/s Discord and 30/s Telegram). */
  globalPerSecond?: number;
  cpuProfDir?: string;
}

type Platform = 'discord' | 'telegram';

export interface LatencyResult {
  measured: number;
  latency: Record<Platform, Summary>;
  missing: Record<Platform, number>;
  duplicates: Record<Platform, number>;
  /** Storm summaries received: should stay 0 (the pace is never exceeded). */
  summaries: Record<Platform, number>;
  http202: Summary;
  non202: number;
  /** Stage name → per-platform durations (ms), from the probe timeline. */
  breakdown: Record<Platform, Record<string, Summary>>;
  probe?: ProbeReport;
  problems: Record<string, number>;
  /** Measured before the load, at the same spacing. */
  floor: MachineFloor;
}

const seqOf = (text: string) => {
  const match = /bench-seq-(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
};

export async function runLatency(options: LatencyOptions): Promise<LatencyResult> {
  const discord = await FakeDiscord.start({ token: DISCORD_TOKEN });
  const telegram = await FakeTelegram.start({ token: TELEGRAM_TOKEN });
  const total = options.warmup + options.rate * options.seconds;
  const arrival: Record<Platform, Float64Array> = { discord: new Float64Array(total), telegram: new Float64Array(total) };
  const duplicates: Record<Platform, number> = { discord: 0, telegram: 0 };
  const summaries: Record<Platform, number> = { discord: 0, telegram: 0 };
  const arrived = (platform: Platform, text: string, at: number) => {
    if (text.includes('Storm summary')) return void summaries[platform]++;
    const seq = seqOf(text);
    if (seq === undefined || seq >= total) return;
    if (arrival[platform][seq]) duplicates[platform]++;
    else arrival[platform][seq] = at;
  };
  telegram.onMessage((m) => arrived('telegram', m.text, performance.now()));
  discord.onMessage((m) => arrived('discord', discordText(m), performance.now()));

  const routes = benchRoutes('svc', options.routes, false);
  const bot = await startBot({
    label: 'latency',
    yaml: benchYaml(routes, { bodyLimitBytes: 1_048_576, maxAlertsPerRequest: 1_000 }, options.globalPerSecond),
    discordApiUrl: discord.apiUrl,
    telegramApiRoot: telegram.apiRoot,
    probe: options.probe,
    timeline: true,
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
  });
  const sentAt = new Float64Array(total);
  const ackMs = new Float64Array(total);
  const alertIdOf = new Int32Array(total);
  let non202 = 0;
  let report: ProbeReport | undefined;
  let floor: MachineFloor;
  try {
    const client = createClient(bot.url, 64);
    const interval = 1000 / options.rate;
    floor = await measureFloor(() => client.get('/healthz'), interval);
    const start = performance.now() + 100;
    const inflight: Promise<void>[] = [];
    for (let seq = 0; seq < total; seq++) {
      const body = JSON.stringify({
        severity: 'CRIT',
        title: `bench-seq-${seq}`,
        service: routes[seq % routes.length]!.service,
        labels: { bench: 'latency' },
      });
      const wait = start + seq * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const t0 = performance.now();
      sentAt[seq] = t0;
      inflight.push(
        client.post('/api/v1/alerts', body).then(
          (res) => {
            ackMs[seq] = performance.now() - t0;
            if (res.status !== 202) non202++;
            alertIdOf[seq] = res.body?.alerts?.[0]?.id ?? 0;
          },
          () => void non202++,
        ),
      );
    }
    await Promise.all(inflight);
    const done = () => ['discord', 'telegram'].every((p) => arrival[p as Platform].every((at) => at > 0));
    const deadline = performance.now() + 15_000;
    while (!done() && performance.now() < deadline) await sleep(50);
    await sleep(300); // late duplicates
    client.close();
  } finally {
    report = await bot.stop();
    await Promise.all([discord.close(), telegram.close()]);
  }

  const measured = Array.from({ length: total - options.warmup }, (_, i) => i + options.warmup);
  const latencyOf = (platform: Platform) =>
    measured.filter((seq) => arrival[platform][seq]! > 0).map((seq) => arrival[platform][seq]! - sentAt[seq]!);
  const missingOf = (platform: Platform) => measured.filter((seq) => !(arrival[platform][seq]! > 0)).length;
  return {
    measured: measured.length,
    latency: { discord: summarize(latencyOf('discord')), telegram: summarize(latencyOf('telegram')) },
    missing: { discord: missingOf('discord'), telegram: missingOf('telegram') },
    duplicates,
    summaries,
    http202: summarize(measured.map((seq) => ackMs[seq]!)),
    non202,
    breakdown: breakdownOf(report, measured, { sentAt, alertIdOf, arrival }),
    ...(report ? { probe: report } : {}),
    problems: bot.problems,
    floor,
  };
}

/** Splits each alert's latency at the probe's timestamps (epoch ms; both processes share the clock). */
function breakdownOf(
  report: ProbeReport | undefined,
  measured: number[],
  data: { sentAt: Float64Array; alertIdOf: Int32Array; arrival: Record<Platform, Float64Array> },
): LatencyResult['breakdown'] {
  const result: LatencyResult['breakdown'] = { discord: {}, telegram: {} };
  if (!report || report.timeline.length === 0) return result;
  const rows = new Map(report.timeline.map((r) => [`${r.alertId}:${r.platform}`, r as Record<string, number>]));
  const origin = performance.timeOrigin;
  for (const platform of ['discord', 'telegram'] as const) {
    const stages: Record<string, number[]> = {};
    const add = (name: string, value: number) => (stages[name] ??= []).push(value);
    for (const seq of measured) {
      const r = rows.get(`${data.alertIdOf[seq]}:${platform}`);
      const fake = data.arrival[platform][seq]!;
      if (!r || !r.acceptStart || !r.loadAt || !r.postStart || !(fake > 0)) continue;
      const sent = origin + data.sentAt[seq]!;
      add('1 POST sent → intake handler (HTTP, JSON, auth, zod)', r.acceptStart - sent);
      add('2 SQLite transaction (alert, deliveries claimed, escalation) + commit', r.acceptEnd! - r.acceptStart);
      add('3 → post begins (waiting count, Redis pacer round trip)', r.loadAt - r.acceptEnd!);
      add('4 load the row', r.postStart - r.loadAt);
      add('5 postAlert → fake receives (render, client lib, HTTP)', origin + fake - r.postStart);
      add('  total', origin + fake - sent);
    }
    for (const [name, values] of Object.entries(stages)) result[platform][name] = summarize(values);
  }
  return result;
}
