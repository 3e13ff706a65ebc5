import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import type { AlertInput } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import type { Store } from '../src/db/store.js';
import { HealService } from '../src/heal/heal-service.js';
import { Heartbeats } from '../src/heartbeats/heartbeats.js';
import { Metrics } from '../src/telemetry/metrics.js';
import { SAMPLE_RETENTION_MS, TriggerEngine } from '../src/triggers/engine.js';
import { describeEachStore } from './helpers/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const t0 = new Date('2026-11-03T08:00:00.000Z');
const log = pino({ level: 'silent' });

const config = parseConfigText(
  [
    'heartbeats:',
    '  - { name: backup, period: 1h, grace: 5m, service: backups }',
    '  - { name: deploy, period: 10m, grace: 1m }',
    'triggers:',
    '  - { name: deep_queue, metric: queue.depth, kind: threshold, op: ">=", value: 10, severity: WARN, cooldown: 1h }',
    '  - { name: hot_disk, metric: disk.used, kind: threshold, op: ">=", value: 90, groupBy: [host], severity: CRIT, cooldown: 1h }',
  ].join('\n'),
  'store-ops-signals.yaml',
);

function collecting() {
  const raised: AlertInput[] = [];
  return { raised, raise: async (input: AlertInput) => void raised.push(input) };
}

function triggerEngine(store: Store) {
  const { raised, raise } = collecting();
  const never = { supervises: () => true, isEnabled: async () => false, restart: async () => undefined, probeOnce: async () => null, isRunning: async () => null };
  const heal = new HealService(store, [], never, raise, join(tmpdir(), 'opsbot-store-ops-autoheal.log'), log);
  return { raised, engine: new TriggerEngine(store, config.triggers, raise, heal, log) };
}

describeEachStore('store-ops heartbeats, triggers and metrics', (store) => {
  it('watches heartbeats from their first row, counts beats and records a failure with its alert', async () => {
    const { raised, raise } = collecting();
    const heartbeats = new Heartbeats(store(), config.heartbeats, raise, log);
    await heartbeats.watchAll(t0);
    await heartbeats.watchAll(new Date(t0.getTime() + HOUR));
    expect((await heartbeats.list(t0)).map((h) => [h.name, h.state, h.dueBy])).toEqual([
      ['backup', 'waiting', new Date(t0.getTime() + HOUR + 5 * MINUTE)],
      ['deploy', 'waiting', new Date(t0.getTime() + 11 * MINUTE)],
    ]);
    expect(await heartbeats.nextDeadline(t0)).toEqual(new Date(t0.getTime() + 11 * MINUTE));
    const beats = Array.from({ length: 5 }, (_, i) => heartbeats.signal('backup', 'beat', `run ${i}`, new Date(t0.getTime() + MINUTE)));
    await Promise.all(beats);
    const failed = await heartbeats.signal('deploy', 'fail', 'exit 2', new Date(t0.getTime() + 2 * MINUTE));
    expect(failed).toMatchObject({ state: 'failed', lastMessage: 'exit 2', downSince: new Date(t0.getTime() + 2 * MINUTE) });
    const [backup] = await heartbeats.list(t0);
    expect(backup).toMatchObject({ state: 'up', beats: 5, lastBeatAt: new Date(t0.getTime() + MINUTE) });
    expect(raised.map((a) => [a.title, a.status])).toEqual([['Heartbeat deploy reported a failure', 'firing']]);
  });

  it('marks a heartbeat past its deadline stale once, and the next beat resolves it', async () => {
    const { raised, raise } = collecting();
    const heartbeats = new Heartbeats(store(), config.heartbeats, raise, log);
    const late = new Date(t0.getTime() + 2 * HOUR);
    expect(await heartbeats.checkAll(new Date(t0.getTime() + 30 * MINUTE))).toEqual([]);
    const [first, second] = await Promise.all([heartbeats.checkAll(late), heartbeats.checkAll(late)]);
    expect([...first!, ...second!]).toEqual(['backup']);
    expect((await heartbeats.list(late))[0]).toMatchObject({ state: 'stale', downSince: new Date(t0.getTime() + MINUTE + HOUR + 5 * MINUTE) });
    expect(await heartbeats.nextDeadline(late)).toBeNull();
    await heartbeats.signal('backup', 'beat', null, late);
    expect(raised.map((a) => [a.title, a.status])).toEqual([
      ['Heartbeat backup is late', 'firing'],
      ['backup checked in again', 'resolved'],
    ]);
  });

  it('stores metric samples, fires a rule once per breach with its fire row, and resolves when it ends', async () => {
    const { raised, engine } = triggerEngine(store());
    const at = (minutes: number) => t0.getTime() + minutes * MINUTE;
    const sample = (value: number, minutes: number) => ({ metrics: [{ name: 'queue.depth', value, time: at(minutes) }] });
    expect(await engine.ingest(sample(12, 0), at(0))).toEqual({ samples: 1, fired: [{ rule: 'deep_queue', series: '', detail: expect.any(String), did: expect.stringMatching(/^raised (alert #\d+|its alert)$/) }] });
    expect((await engine.ingest(sample(15, 1), at(1))).fired).toEqual([]);
    expect((await engine.ingest(sample(3, 2), at(2))).fired).toEqual([]);
    expect(raised.map((a) => a.status)).toEqual(['firing', 'resolved']);
    const [view] = await engine.list();
    expect(view).toMatchObject({ name: 'deep_queue', series: [{ key: '', lastValue: 3, breached: false, lastFiredAt: new Date(at(0)) }] });
    expect(view!.lastFire).toMatchObject({ at: new Date(at(0)), series: '' });
    const fires = await engine.fires(10);
    expect(fires.map((f) => [f.rule, f.value, f.at, f.healRunId])).toEqual([['deep_queue', 12, new Date(at(0)), null]]);
  });

  it('two instances evaluating the first breach of a new series at once fire it once', async () => {
    const instances = [triggerEngine(store()), triggerEngine(store())];
    const now = t0.getTime() + 10 * MINUTE;
    const batch = { metrics: [{ name: 'disk.used', value: 95, labels: { host: 'db1' }, time: now }] };
    const results = await Promise.all(instances.map(({ engine }) => engine.ingest(batch, now)));
    expect(results.flatMap((r) => r.fired).map((f) => f.series)).toEqual(['host=db1']);
    expect((await instances[0]!.engine.fires(10)).filter((f) => f.rule === 'hot_disk')).toHaveLength(1);
  });

  it('sweeps samples past retention and re-evaluates the rules', async () => {
    const { engine } = triggerEngine(store());
    const now = t0.getTime() + 30 * MINUTE;
    await engine.ingest({ metrics: [{ name: 'old.metric', value: 1, time: now - SAMPLE_RETENTION_MS - MINUTE }] }, now);
    const { t } = store();
    const before = await store().db.select().from(t.metricSamples);
    expect(before.map((s) => s.name)).toContain('old.metric');
    expect(await engine.sweep(now)).toEqual([]);
    const after = await store().db.select().from(t.metricSamples);
    expect(after.map((s) => s.name)).not.toContain('old.metric');
    expect(after.filter((s) => s.name === 'queue.depth').map((s) => [s.name, s.value, s.time])).toEqual([
      ['queue.depth', 12, t0.getTime()],
      ['queue.depth', 15, t0.getTime() + MINUTE],
      ['queue.depth', 3, t0.getTime() + 2 * MINUTE],
    ]);
  });

  it('reads the Prometheus totals from the store: heal runs by outcome, restarts per service, stale heartbeats', async () => {
    const { t } = store();
    await store().transaction(async (tx) => {
      await tx.insert(t.services).values({ name: 'web', state: 'running', health: 'healthy', enabled: true, restarts: 3, changedAt: t0 });
      const run = { service: 'web', action: 'restart', trigger: 'chat' as const, triggeredBy: 'x', startedAt: t0 };
      await tx.insert(t.healRuns).values([{ ...run, state: 'succeeded' }, { ...run, state: 'succeeded' }, { ...run, state: 'failed' }]);
    });
    const metrics = new Metrics(store());
    metrics.watch({ heartbeats: new Heartbeats(store(), config.heartbeats, async () => undefined, log), backlog: async () => ({ deliver: 0 }) });
    const text = await metrics.registry.metrics();
    expect(text).toContain('opsbot_heal_runs_total{outcome="succeeded"} 2');
    expect(text).toContain('opsbot_heal_runs_total{outcome="failed"} 1');
    expect(text).toContain('opsbot_restarts_total{service="web"} 3');
    expect(text).toContain('opsbot_heartbeats_stale 1');
  });
});
