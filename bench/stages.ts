/**
 * Stage micro-benchmarks, in the bench process, on the bot's own modules (src/ via tsx): what one
 * intake commit costs with synchronous=FULL vs NORMAL, what the prepared statements of accept.ts and
 * store.ts cost next to raw better-sqlite3 statements and to a drizzle query built per call, and what
 * rendering and validation cost (a 7-day uptime figure: bench/uptime-stages.ts), and what
 * regular-expression matchers from chat and config cost (bench/matchers.ts), and what a dedup repeat
 * costs with 100,000 summarized deliveries stored (bench/dedup-history.ts). Each
 * figure is per call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema, type AlertInput, type FiringInput } from '../src/alerts/input.js';
import { renderDiscordAlert } from '../src/platforms/discord/render.js';
import { renderTelegramAlert } from '../src/platforms/telegram/render.js';
import { parseConfigText } from '../src/config/load.js';
import { openSqliteDb } from '../src/db/open.js';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import { alerts, deliveries } from '../src/db/schema.js';
import { DeliveryStore, toAlertView } from '../src/delivery/store.js';
import { decideRoute } from '../src/routing/route.js';
import { benchRoutes, benchYaml } from './config.js';
import { summarize, type Summary } from './stats.js';
import { runMatcherStages } from './matchers.js';
import { runDedupHistoryStage } from './dedup-history.js';

export function time(iterations: number, fn: (i: number) => void, divideBy = 1): Summary {
  for (let i = 0; i < Math.min(50, iterations); i++) fn(i); // warm-up
  const values: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    fn(i);
    values.push((performance.now() - t) / divideBy);
  }
  return summarize(values);
}

/** `time` for work that awaits (the store's calls). */
export async function timeAsync(iterations: number, fn: (i: number) => Promise<unknown>, divideBy = 1): Promise<Summary> {
  for (let i = 0; i < Math.min(50, iterations); i++) await fn(i); // warm-up
  const values: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn(i);
    values.push((performance.now() - t) / divideBy);
  }
  return summarize(values);
}

const alert = (i: number, service: string): FiringInput => ({
  severity: 'CRIT',
  title: `stage ${i}`,
  service,
  labels: { bench: 'stages' },
  status: 'firing',
});

export async function runStages(): Promise<Array<[string, Summary]>> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-stages-'));
  const results: Array<[string, Summary]> = [];
  try {
    const db = openSqliteDb(dir);
    const sqlite = db.$client;
    const store = openSqliteStore(dir, db);
    const routes = benchRoutes('svc', 4, false);
    const file = parseConfigText(benchYaml(routes, { bodyLimitBytes: 1_048_576, maxAlertsPerRequest: 1_000 }), 'bench.yaml');
    const acceptor = new AlertAcceptor(store);
    const acceptAlerts = (inputs: AlertInput[]) => acceptor.accept(file, inputs);
    const one = (i: number) => [alert(i, routes[i % 4]!.service)];
    const batch = Array.from({ length: 200 }, (_, i) => alert(i, routes[0]!.service));

    results.push(['intake commit, 1 alert, synchronous=FULL (as open.ts)', await timeAsync(300, (i) => acceptAlerts(one(i)))]);
    sqlite.pragma('synchronous = NORMAL');
    results.push(['intake commit, 1 alert, synchronous=NORMAL', await timeAsync(300, (i) => acceptAlerts(one(i)))]);
    sqlite.pragma('synchronous = FULL');
    results.push(['intake, 200-alert batch, per alert (as accept.ts)', await timeAsync(40, () => acceptAlerts(batch), 200)]);

    const insertAlert = sqlite.prepare(
      `insert into alerts (severity, title, body, service, labels, dedup_key, source, link, status, route, fired_at, last_seen_at, accepted_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?) returning id, revision`,
    );
    const insertDelivery = sqlite.prepare(
      `insert into deliveries (alert_id, platform, destination, state, created_at) values (?, ?, ?, 'pending', ?) returning id`,
    );
    const preparedAccept = sqlite.transaction((inputs: FiringInput[]) => {
      const now = Date.now();
      for (const input of inputs) {
        const labels = input.labels ?? {};
        const service = input.service ?? null;
        const route = decideRoute({ severity: input.severity, service, labels }, file);
        const row = insertAlert.get(input.severity, input.title, input.body ?? null, service, JSON.stringify(labels), input.dedupKey ?? null,
          input.source ?? null, input.link ?? null, JSON.stringify(route), now, now, now) as { id: number };
        for (const d of route.destinations) insertDelivery.get(row.id, d.platform, d.destination, now);
      }
    });
    results.push(['intake, 200-alert batch, per alert (prepared statements)', time(40, () => preparedAccept(batch), 200)]);

    const deliveryStore = new DeliveryStore(store);
    const maxId = (sqlite.prepare('select max(id) as id from deliveries').get() as { id: number }).id;
    const pick = (i: number) => 1 + ((i * 7919) % maxId);
    results.push(['store.load(deliveryId), prepared once per handle (as store.ts)', await timeAsync(2000, (i) => deliveryStore.load(pick(i)))]);
    const loadBuiltPerCall = (id: number) =>
      db
        .select({ delivery: deliveries, alert: alerts })
        .from(deliveries)
        .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
        .where(eq(deliveries.id, id))
        .get();
    results.push(['store.load(deliveryId), drizzle query built per call', time(2000, (i) => loadBuiltPerCall(pick(i)))]);
    results.push(['claimForSending-like 1-row UPDATE commit, FULL', await timeAsync(300, (i) => deliveryStore.markFailed(pick(i), 'bench'))]);
    sqlite.pragma('synchronous = NORMAL');
    results.push(['claimForSending-like 1-row UPDATE commit, NORMAL', await timeAsync(300, (i) => deliveryStore.markFailed(pick(i), 'bench'))]);

    const view = toAlertView((await deliveryStore.load(1))!.alert);
    results.push(['renderDiscordAlert', time(2000, () => renderDiscordAlert(view))]);
    results.push(['renderTelegramAlert', time(2000, () => renderTelegramAlert(view))]);
    const body = JSON.stringify(batch);
    results.push(['JSON.parse + zod, 1 alert', time(2000, (i) => alertInputSchema.parse(JSON.parse(JSON.stringify(one(i)[0]))))]);
    results.push(['JSON.parse + zod, 200-alert batch, per alert', time(100, () => JSON.parse(body).map((a: unknown) => alertInputSchema.parse(a)), 200)]);

    results.push(...runMatcherStages());
    await store.close();
    results.push(...(await runDedupHistoryStage()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
