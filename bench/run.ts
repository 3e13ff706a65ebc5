/**
 * `npm run bench`: builds, then measures the compiled bot run as a child process against the fake
 * chat APIs (in this process) and the local Redis. Loopback only; stops by itself.
 *
 *   --only=latency|flood|interactions|restart|dashboard|failover|cluster|governance|stages   one phase
 *   --cpu-prof             V8 CPU profile of the bot in each phase (summarised, files kept in a temp dir)
 *   --no-probe             run the child without bench/probe.mjs (no stage breakdown)
 *   --no-stages            skip the in-process stage micro-benchmarks (bench/stages.ts)
 *   --routes=100 --rate=50 --seconds=20 --clients=8 --batch=200 --flood-seconds=10 --flood-routes=4 --crashes=50
 *   --deliver-concurrency=N   phase (b) with delivery.concurrency N instead of its default
 *   BENCH_BOT_ROOT=/path   bench a patched copy of the project (its dist/ must be built) instead of this one
 */
import { mkdtempSync } from 'node:fs';
import { runGovernance } from './governance.js';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertRedis, BOT_ROOT, ROOT } from './bot.js';
import { runFlood, type FloodResult } from './flood.js';
import { runInteractions, type InteractionResult } from './interactions.js';
import { runLatency, type LatencyResult } from './latency.js';
import { runRestart, type RestartResult } from './restart.js';
import { runDashboard, type DashboardBenchResult } from './dashboard.js';
import { failoverTable, runFailover } from './failover.js';
import { clusterIntakeTable, runClusterIntake } from './cluster-intake.js';
import { runStages } from './stages.js';
import { runUptimeStages } from './uptime-stages.js';
import { summarizeProfile } from './profile.js';
import { int, ms, table, type Summary } from './stats.js';
import type { ProbeReport } from './bot.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=', 2);
    return [key!, value ?? 'true'] as const;
  }),
);
const num = (key: string, fallback: number) => (args.has(key) ? Number(args.get(key)) : fallback);
const only = args.get('only');
const probe = !args.has('no-probe');
const cpuProfDir = args.has('cpu-prof') ? mkdtempSync(join(tmpdir(), 'opsbot-bench-prof-')) : undefined;

const watchdog = setTimeout(() => {
  console.error('bench: still running after 10 minutes; giving up');
  process.exit(3);
}, 10 * 60_000);

const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
const three = (s: Summary) => `${s.p50.toFixed(3)} / ${s.p99.toFixed(3)} / ${s.max.toFixed(3)} ms`;

async function main() {
  const redisVersion = await assertRedis();
  const cpu = cpus()[0]?.model.trim() ?? '?';
  console.log(`opsbot bench · ${new Date().toISOString()}`);
  console.log(
    `machine: nproc ${availableParallelism()}, cpu "${cpu}", Node ${process.version}, Redis ${redisVersion} (127.0.0.1), ` +
      `SQLite in ${tmpdir()} (synchronous=FULL, WAL, as src/db/open.ts); bot = node dist/src/main.js${probe ? ' --import bench/probe.mjs' : ''}` +
      (BOT_ROOT !== ROOT ? ` in ${BOT_ROOT} (BENCH_BOT_ROOT)` : ''),
  );

  let latency: LatencyResult | undefined;
  let flood: FloodResult | undefined;
  if (only === undefined || only === 'latency') {
    const o = { rate: num('rate', 50), seconds: num('seconds', 20), warmup: num('warmup', 100), routes: num('routes', 100) };
    console.log(`\n(a) running: ${o.rate} alerts/s × ${o.seconds} s, one alert per POST, ${o.routes} routes (+${o.warmup} warm-up alerts not counted)…`);
    const budget = args.has('default-budgets') ? {} : { globalPerSecond: 1_000 };
    console.log(
      args.has('default-budgets')
        ? '    bot-wide budgets at their defaults (45/s Discord, 30/s Telegram): what the platforms allow; the excess is folded into summaries'
        : '    bot-wide budgets lifted to 1,000/s (the fakes have no bot-wide limit; --default-budgets keeps 45/s Discord and 30/s Telegram)',
    );
    latency = await runLatency({ ...o, probe, ...budget, ...(cpuProfDir ? { cpuProfDir } : {}) });
  }
  if (only === undefined || only === 'flood') {
    const o = { clients: num('clients', 8), batch: num('batch', 200), seconds: num('flood-seconds', 10), routes: num('flood-routes', 4), drainSeconds: 150 };
    const deliverConcurrency = args.has('deliver-concurrency') ? { deliverConcurrency: num('deliver-concurrency', 0) } : {};
    console.log(
      `(b) running: ${o.clients} clients × ${o.batch}-alert batches for ${o.seconds} s → ${o.routes} Discord channels + ${o.routes} Telegram groups; drain ≤ ${o.drainSeconds} s or the pacing floor + 30 s${
        deliverConcurrency.deliverConcurrency !== undefined ? `; delivery.concurrency ${deliverConcurrency.deliverConcurrency}` : ''
      }…`,
    );
    flood = await runFlood({ ...o, ...deliverConcurrency, probe, ...(cpuProfDir ? { cpuProfDir } : {}) });
  }

  let interactions: InteractionResult | undefined;
  if (only === undefined || only === 'interactions') {
    const o = { rate: num('interaction-rate', 20), seconds: num('interaction-seconds', 10), alerts: num('interaction-alerts', 200), warmup: num('interaction-warmup', 20) };
    console.log(
      `(d) running: Discord slash commands at ${o.rate}/s for ${o.seconds} s (/status, /ack, /silences, /help) with ${o.alerts} firing alerts (+${o.warmup} warm-up interactions not counted)…`,
    );
    interactions = await runInteractions(o);
  }

  let restart: RestartResult | undefined;
  if (only === undefined || only === 'restart') {
    const o = { crashes: num('crashes', 50) };
    console.log(`(e) running: ${o.crashes} crashes of a supervised shell child (sh -c 'sleep 0.1; exit 1'), back-off 0, crash-loop detection off…`);
    restart = await runRestart(o);
  }

  let dashboard: DashboardBenchResult | undefined;
  if (only === undefined || only === 'dashboard') {
    const o = {
      alerts: num('dashboard-alerts', 100_000),
      firing: num('dashboard-firing', 1_000),
      events: num('dashboard-events', 1_000_000),
      services: num('dashboard-services', 20),
      requests: num('dashboard-requests', 300),
      warmup: num('dashboard-warmup', 20),
      ...(cpuProfDir ? { cpuProfDir } : {}),
    };
    console.log(
      `(f) running: GET /ops/governance ${o.requests} times, one after the other, with ${int(o.alerts)} alerts (${int(o.firing)} firing) and ${int(o.events)} service events of ${o.services} services stored (+${o.warmup} warm-up requests not counted)…`,
    );
    dashboard = await runDashboard(o);
  }

  if (only === undefined || only === 'failover') {
    console.log('(g) running: 3 instances on one throw-away PostgreSQL database and one Redis; SIGKILL of the leader while 10 of its Telegram posts hang…');
    console.log(`\n${table(failoverTable(await runFailover()))}`);
  }
  if (only === undefined || only === 'cluster') {
    const o = { clients: num('clients', 8), batch: num('batch', 200), seconds: num('cluster-seconds', 10) };
    console.log(`(h) running: ${o.clients} clients × ${o.batch}-alert batches for ${o.seconds} s, round-robin over the instances: 1 on SQLite, then 1, 2 and 3 on PostgreSQL…`);
    console.log(`\n${table(clusterIntakeTable(await runClusterIntake(o)))}`);
  }

  if (only === undefined || only === 'governance') {
    console.log('(i) running: code-growth governance, measuring a generated repository of 10,000 files three times…');
    const g = await runGovernance();
    console.log(
      `\n(i) governance: ${int(g.figures.files)} files, ${int(g.figures.lines)} lines, ${int(g.figures.todoCount)} TODO/FIXME, ${int(g.figures.duplicatedLines)} duplicated lines measured in ${g.runs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} (target < 10 s)`,
    );
  }

  console.log(`\n${table(headline(latency, flood))}`);
  if (interactions) printInteractions(interactions);
  if (restart) printRestart(restart);
  if (dashboard) printDashboard(dashboard);
  if (latency) printLatencyDetails(latency);
  if (flood) printFloodDetails(flood);
  if (!args.has('no-stages') && (only === undefined || only === 'stages')) {
    const rows = [...(await runStages()), ...(await runUptimeStages())].map(([name, s]) => [name, three(s)]);
    console.log(`\n(c) stage micro-benchmarks in the bench process (bench/stages.ts, per call):`);
    console.log(table([['stage', 'p50 / p99 / max'], ...rows]));
  }
  if (cpuProfDir) printProfiles(cpuProfDir, [latency ? 'latency' : '', flood ? 'flood' : '', dashboard ? 'dashboard' : ''].filter(Boolean));
}

function headline(latency?: LatencyResult, flood?: FloodResult): string[][] {
  const rows = [['metric', 'measured', 'target', 'met', 'reference (Prometheus Alertmanager 0.25)']];
  if (latency) {
    for (const platform of ['discord', 'telegram'] as const) {
      const s = latency.latency[platform];
      const name = platform === 'discord' ? 'Discord' : 'Telegram';
      rows.push([`(a) intake → ${name} p50`, ms(s.p50), '< 5 ms', yes(s.p50 < 5), '~1 ms p50 to a webhook (nothing durable first)']);
      rows.push([`(a) intake → ${name} p99`, ms(s.p99), '< 20 ms', yes(s.p99 < 20), '~3 ms p99']);
      rows.push([`(a) intake → ${name} max`, ms(s.max), '', '', '']);
    }
    rows.push(['(a) HTTP 202 p50 / p99', `${ms(latency.http202.p50)} / ${ms(latency.http202.p99)}`, '', '', '']);
    const { httpRoundTrip, redisPing, sqliteCommit } = latency.floor;
    rows.push(['(a) machine floor p50: HTTP round trip / Redis PING / fsync commit', `${ms(httpRoundTrip.p50)} / ${ms(redisPing.p50)} / ${ms(sqliteCommit.p50)}`, '', '', 'idle, at the phase\'s spacing (bench/floor.ts)']);
    const floorSum = httpRoundTrip.p50 + redisPing.p50 + sqliteCommit.p50;
    rows.push([
      '(a) p50 above that floor (their sum): Discord / Telegram',
      `${ms(latency.latency.discord.p50 - floorSum)} / ${ms(latency.latency.telegram.p50 - floorSum)} (floor ${ms(floorSum)})`,
      '',
      '',
      'the rest: parsing, routing, SQL, rendering, client libraries, the fakes',
    ]);
    const got = latency.measured - latency.missing.discord + (latency.measured - latency.missing.telegram);
    const dup = latency.duplicates.discord + latency.duplicates.telegram;
    const sums = latency.summaries.discord + latency.summaries.telegram;
    rows.push([
      '(a) own messages arrived / duplicates / summaries',
      `${int(got)} of ${int(latency.measured * 2)} / ${dup} / ${sums}`,
      'all / 0 / 0',
      yes(got === latency.measured * 2 && dup === 0 && sums === 0),
      '',
    ]);
  }
  if (flood) {
    rows.push(['(b) alerts accepted/s (202 ⇒ committed)', `${int(flood.perSecond)}/s (${int(flood.accepted)} in ${flood.acceptSeconds.toFixed(1)} s)`, '≥ 5,000/s', yes(flood.perSecond >= 5000), '~7,000/s in batches']);
    rows.push(['(b) batch POST → 202 p50 / p99', `${ms(flood.batchMs.p50, 1)} / ${ms(flood.batchMs.p99, 1)}`, '', '', '']);
    for (const platform of ['discord', 'telegram'] as const) {
      const m = flood.messages[platform];
      rows.push([
        `(b) flood became ${platform} messages`,
        `${int(m.own + m.summaries)} (${int(m.own)} own + ${int(m.summaries)} summaries), ${int(flood.duringFlood[platform])} during the flood`,
        '',
        '',
        '',
      ]);
    }
    rows.push([
      '(b) alerts covered (alert × destination)',
      `${int(flood.covered)} of ${int(flood.expected)}${flood.drainMs !== null ? `, all ${(flood.drainMs / 1000).toFixed(1)} s after the flood` : ''}`,
      'all',
      yes(flood.covered === flood.expected && flood.expected > 0),
      '',
    ]);
    rows.push(['(b) DUPLICATES (same alert, same destination, 2 messages)', int(flood.duplicates), '0', yes(flood.duplicates === 0), '8 % re-sent twice (notify timeouts)']);
  }
  return rows;
}

function printInteractions(result: InteractionResult) {
  console.log(`\n(d) Discord interaction arriving → its answer at the fake (${result.answered} of ${result.sent} answered; target p99 < 200 ms, Discord allows 3 s):`);
  const rows = [['command', 'n', 'p50', 'p99', 'max', 'met']];
  for (const [name, s] of Object.entries(result.byCommand)) rows.push([`/${name}`, int(s.n), ms(s.p50), ms(s.p99), ms(s.max), '']);
  rows.push(['all', int(result.all.n), ms(result.all.p50), ms(result.all.p99), ms(result.all.max), yes(result.all.p99 < 200 && result.answered === result.sent)]);
  console.log(table(rows));
  console.log(`(d) slowest of the warm-up interactions (the first after start-up): ${ms(result.coldMax)}`);
  printProbe('(d)', undefined, result.problems);
}

function printRestart(result: RestartResult) {
  console.log(`\n(e) supervisor restart latency: exit of the child observed → new child spawned and running (${result.samples.length} crashes, in the bench process):`);
  const reference = 'PM2 ≈ 7 ms for a shell child (119 ms for a Node child), supervisord ≈ 1,000 ms';
  console.log(
    table([
      ['metric', 'measured', 'target', 'met', 'reference'],
      ['(e) restart median', ms(result.p50), '< 10 ms', yes(result.p50 < 10), reference],
      ['(e) restart p99', ms(result.p99), '', '', ''],
      ['(e) restart max', ms(result.max), '', '', ''],
    ]),
  );
  console.log(`(e) where a restart goes (p50 / p99 / max; bench process RSS ${result.rssMb.toFixed(0)} MB):`);
  console.log(
    table([
      ['stage', 'p50 / p99 / max'],
      ['exit seen → spawn() returned (supervisor, mostly fork/exec)', three(result.launch)],
      ['spawn() returned → child spawn event', three(result.spawnEvent)],
      ['baseline: bare spawn(sh) → spawn event, no supervisor', three(result.bareSpawn)],
    ]),
  );
}

function printDashboard(result: DashboardBenchResult) {
  console.log(`\n(f) governance dashboard: GET /ops/governance, logged in, request sent → whole page received (${int(result.page.n)} requests; store seeded in ${(result.seedMs / 1000).toFixed(1)} s):`);
  console.log(
    table([
      ['metric', 'measured', 'target', 'met'],
      ['(f) main page p50', ms(result.page.p50), '', ''],
      ['(f) main page p99', ms(result.page.p99), '< 50 ms', yes(result.page.p99 < 50)],
      ['(f) main page max', ms(result.page.max), '', ''],
      ['(f) first page after start-up (fills the uptime cache)', ms(result.coldMs), '', ''],
      ['(f) page size', `${int(result.pageBytes / 1024)} KiB`, '', ''],
    ]),
  );
  printProbe('(f)', undefined, result.problems);
}

function printLatencyDetails(result: LatencyResult) {
  if (result.non202 > 0) console.log(`\n(a) ${result.non202} POSTs were not answered 202`);
  for (const platform of ['discord', 'telegram'] as const) {
    const stages = Object.entries(result.breakdown[platform]);
    if (stages.length === 0) continue;
    console.log(`\n(a) where the ${platform} latency goes (per alert, from the probe's timestamps; p50 / p99 / max):`);
    console.log(table([['stage', 'p50 / p99 / max'], ...stages.map(([name, s]) => [name, three(s)])]));
  }
  printProbe('(a)', result.probe, result.problems);
}

function printFloodDetails(result: FloodResult) {
  if (result.refused > 0) console.log(`\n(b) ${result.refused} of ${result.requests} batches refused, first: ${result.refusal}`);
  const { discord, telegram } = result.pacingFloor;
  console.log(
    `\n(b) pacing floor: ${int(telegram.perDestination)} alerts per destination, ≤ 1,000 per summary at the default pace ⇒ ` +
      `≥ ${telegram.seconds.toFixed(0)} s (Telegram group, 1 per 3 s) / ≥ ${discord.seconds.toFixed(0)} s (Discord channel, 1 per s) after the flood's start`,
  );
  const omitted = result.messages.discord.omittedIds + result.messages.telegram.omittedIds;
  if (omitted > 0) console.log(`(b) summaries counted ${omitted} ids they could not list (text limit)`);
  if (Object.keys(result.uncoveredSample).length > 0) {
    console.log(`(b) uncovered pairs, sampled through GET /api/v1/alerts/:id: ${JSON.stringify(result.uncoveredSample)}`);
  }
  printProbe('(b)', result.probe, result.problems);
}

function printProbe(phase: string, report: ProbeReport | undefined, problems: Record<string, number>) {
  if (report) {
    const rows = Object.entries(report.stages).map(([name, s]) => [name, int(s.n), three(s), `${(s.total / 1000).toFixed(2)} s`]);
    console.log(`\n${phase} bot stages (probe wrappers in the child):`);
    console.log(table([['stage', 'calls', 'p50 / p99 / max', 'sum'], ...rows]));
    const d = report.eventLoopDelay;
    console.log(`${phase} bot event-loop delay: p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)}`);
    if (report.missing.length) console.log(`${phase} probe could not wrap: ${report.missing.join('; ')}`);
  }
  const grouped = Object.entries(problems).sort((a, b) => b[1] - a[1]);
  if (grouped.length) console.log(`${phase} bot log lines at warn/error:\n${grouped.slice(0, 8).map(([k, n]) => `  ${n} × ${k}`).join('\n')}`);
}

function printProfiles(dir: string, phases: string[]) {
  for (const phase of phases) {
    const file = join(dir, `${phase}.cpuprofile`);
    try {
      const p = summarizeProfile(file);
      console.log(`\nCPU profile of the bot, phase ${phase} (${file}, ${(p.total / 1000).toFixed(1)} s wall):`);
      console.log(table([['self time by package', 'ms'], ...p.byPackage.map(([k, v]) => [k, v.toFixed(0)])]));
      console.log(table([['hottest functions (self)', 'ms'], ...p.hottest.map(([k, v]) => [k.slice(0, 110), v.toFixed(0)])]));
    } catch (error) {
      console.log(`no CPU profile for ${phase}: ${(error as Error).message}`);
    }
  }
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
