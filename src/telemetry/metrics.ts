import { and, count, eq, isNotNull } from 'drizzle-orm';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../db/store.js';
import { PLATFORMS, SEVERITIES, type Platform } from '../shared/types.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';

/** What the metrics read besides the store, handed over once those parts have started. */
export interface LiveSources {
  heartbeats: Heartbeats;
  /** Jobs waiting, delayed or running per queue. */
  backlog(): Promise<Record<string, number>>;
}

/** Delivery outcomes as counted from the deliveries table. */
const OUTCOME: Record<string, string> = { sent: 'sent', failed: 'failed', summarized: 'summarized' };

/*
 * Every series a label set can take is exported from the first scrape on, at 0 until something
 * counts, so dashboards and alert rules (`rate()`, `absent()`) see no gaps.
 */
const BY_SEVERITY = SEVERITIES.map((severity) => ({ severity }));
const BY_DELIVERY = PLATFORMS.flatMap((platform) => Object.values(OUTCOME).map((outcome) => ({ platform, outcome })));
const BY_LEVEL = [1, 2, 3, 4].map((level) => ({ level: `L${level}` }));
const BY_HEAL_OUTCOME = ['succeeded', 'failed', 'running', 'verifying'].map((outcome) => ({ outcome }));

/**
 * `GET /metrics` for Prometheus. Totals are read from the store at scrape time (indexed group-by
 * counts), so they survive restarts and agree with the API; the latency histogram is observed as
 * each delivery is accepted by its platform.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<'platform'>;

  constructor(store: Store) {
    const registry = this.registry;
    const { db } = store;
    const { alerts, deliveries, escalationSteps, healRuns, services } = store.t;
    collectDefaultMetrics({ register: registry, prefix: 'opsbot_' });
    this.latency = new Histogram({
      name: 'opsbot_delivery_latency_seconds',
      help: 'From intake (alert committed) to the platform accepting the message, per platform',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    for (const platform of PLATFORMS) this.latency.zero({ platform });
    gauge(registry, 'opsbot_alerts_received_total', 'Alerts received since the store was created, by severity', BY_SEVERITY, async (set) => {
      for (const row of await db.select({ severity: alerts.severity, n: count() }).from(alerts).groupBy(alerts.severity)) set({ severity: row.severity }, row.n);
    });
    gauge(registry, 'opsbot_deliveries_total', 'Deliveries by platform and outcome (sent, failed, summarized)', BY_DELIVERY, async (set) => {
      const rows = await db.select({ platform: deliveries.platform, state: deliveries.state, n: count() }).from(deliveries).groupBy(deliveries.platform, deliveries.state);
      for (const row of rows) if (OUTCOME[row.state]) set({ platform: row.platform, outcome: OUTCOME[row.state]! }, row.n);
    });
    gauge(registry, 'opsbot_escalations_total', 'Escalation steps taken, by level', BY_LEVEL, async (set) => {
      const rows = await db.select({ level: escalationSteps.level, n: count() }).from(escalationSteps).where(eq(escalationSteps.state, 'done')).groupBy(escalationSteps.level);
      for (const row of rows) set({ level: `L${row.level}` }, row.n);
    });
    gauge(registry, 'opsbot_heal_runs_total', 'Heal runs by outcome (succeeded, failed, running, verifying)', BY_HEAL_OUTCOME, async (set) => {
      for (const row of await db.select({ state: healRuns.state, n: count() }).from(healRuns).groupBy(healRuns.state)) set({ outcome: row.state }, row.n);
    });
    gauge(registry, 'opsbot_restarts_total', 'Restarts of supervised services by opsbot, per service', [], async (set) => {
      for (const row of await db.select({ name: services.name, restarts: services.restarts }).from(services)) set({ service: row.name }, row.restarts);
    }, ['service']);
    gauge(registry, 'opsbot_alerts_firing', 'Alerts firing now, by severity', BY_SEVERITY, async (set) => {
      const rows = await db.select({ severity: alerts.severity, n: count() }).from(alerts).where(eq(alerts.status, 'firing')).groupBy(alerts.severity);
      for (const row of rows) set({ severity: row.severity }, row.n);
    });
    gauge(registry, 'opsbot_alerts_inhibited', 'Alerts firing now whose messages an inhibit rule holds back, by severity', BY_SEVERITY, async (set) => {
      const rows = await db.select({ severity: alerts.severity, n: count() }).from(alerts).where(and(eq(alerts.status, 'firing'), isNotNull(alerts.inhibitedBy))).groupBy(alerts.severity);
      for (const row of rows) set({ severity: row.severity }, row.n);
    });
  }

  /** The gauges of heartbeats and queues. */
  watch(sources: LiveSources): void {
    const registry = this.registry;
    gauge(registry, 'opsbot_heartbeats_stale', 'Heartbeats that are stale or reported failure now', [{}], async (set) => {
      set({}, (await sources.heartbeats.list()).filter((h) => h.state === 'stale' || h.state === 'failed').length);
    });
    new Gauge({
      name: 'opsbot_queue_backlog',
      help: 'Jobs waiting, delayed or running, per BullMQ queue',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [queue, n] of Object.entries(await sources.backlog())) this.set({ queue }, n);
      },
    });
  }

  /** Called when a platform accepted a delivery's own message. */
  deliverySent(platform: Platform, acceptedAt: Date): void {
    this.latency.observe({ platform }, Math.max(0, Date.now() - acceptedAt.getTime()) / 1000);
  }
}

/** A gauge filled at scrape time by `fill`; every label set in `zeros` is there at 0 unless `fill` sets it (their keys are the label names). */
function gauge(registry: Registry, name: string, help: string, zeros: Array<Record<string, string>>, fill: (set: (labels: Record<string, string>, value: number) => void) => Promise<void>, labelNames = Object.keys(zeros[0] ?? {})) {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const values: Array<[Record<string, string>, number]> = zeros.map((labels) => [labels, 0]);
      await fill((labels, value) => void values.push([labels, value]));
      this.reset();
      for (const [labels, value] of values) this.set(labels, value);
    },
  });
}
