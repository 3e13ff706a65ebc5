import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import type { Store } from '../src/db/store.js';
import type { Pacer } from '../src/delivery/pacer.js';
import { HealService } from '../src/heal/heal-service.js';
import { ServiceManager } from '../src/heal/service-manager.js';
import { Heartbeats } from '../src/heartbeats/heartbeats.js';
import { findReport, listReports, runOpsCycle } from '../src/reports/cycle.js';
import * as sections from '../src/reports/summary.js';
import { TriggerEngine } from '../src/triggers/engine.js';
import { describeEachStore } from './helpers/stores.js';

const MINUTE = 60_000;
const t0 = new Date('2026-11-04T06:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
const period = { start: t0, end: at(12 * 60) };
const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'opsbot-store-ops-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows a period of operations leaves: alerts (one before the period), escalations, heal runs, restarts, a failed delivery, trigger fires. */
async function seedPeriod(store: Store): Promise<number[]> {
  const { t } = store;
  return store.transaction(async (tx) => {
    const alert = (severity: 'CRIT' | 'WARN' | 'INFO', service: string | null, firedAt: Date) => ({
      severity,
      title: `${severity} on ${service}`,
      service,
      labels: {},
      status: 'firing' as const,
      route: { matched: [], usedDefault: true, destinations: [] },
      firedAt,
      lastSeenAt: firedAt,
      acceptedAt: firedAt,
    });
    const rows = await tx
      .insert(t.alerts)
      .values([
        { ...alert('CRIT', 'db', at(10)), ackedAt: at(11), ackedBy: 'alice' },
        { ...alert('WARN', 'db', at(20)), status: 'resolved', resolvedAt: at(22) },
        { ...alert('INFO', 'web', at(30)), ackedAt: at(33), ackedBy: 'bob', status: 'resolved', resolvedAt: at(34) },
        alert('CRIT', null, at(-60)),
      ])
      .returning({ id: t.alerts.id });
    const ids = rows.map((r) => r.id);
    const step = (alertId: number, level: number) => ({ alertId, policy: 'p', level, dueAt: at(40), state: 'done' as const, doneAt: at(40 + level) });
    await tx.insert(t.escalationSteps).values([step(ids[0]!, 1), step(ids[0]!, 2), step(ids[1]!, 1)]);
    const run = { service: 'db', action: 'restart', trigger: 'probe' as const, triggeredBy: 'opsbot', startedAt: at(50) };
    await tx.insert(t.healRuns).values([{ ...run, state: 'succeeded' }, { ...run, state: 'failed', verification: 'still down' }]);
    await tx.insert(t.serviceEvents).values([
      { service: 'db', at: at(60), kind: 'restarting', up: false },
      { service: 'db', at: at(61), kind: 'restarting', up: false },
      { service: 'db', at: at(62), kind: 'started', up: true },
    ]);
    await tx.insert(t.deliveries).values({ alertId: ids[0]!, platform: 'telegram', destination: '-200', state: 'failed', lastError: 'chat not found', createdAt: at(10) });
    await tx.insert(t.triggerFires).values([
      { rule: 'deep_queue', seriesKey: '', at: at(70), detail: 'x' },
      { rule: 'deep_queue', seriesKey: '', at: at(80), detail: 'y' },
    ]);
    return ids;
  });
}

describeEachStore('store-ops reports', (store) => {
  it('summarizes the period from the rows: alerts, response times, escalations, heals, restarts, uptime, deliveries, fires', async () => {
    const ids = await seedPeriod(store());
    expect(await sections.alertsSection(store(), period)).toEqual({
      total: 3,
      bySeverity: { INFO: 1, WARN: 1, CRIT: 1 },
      byService: [
        { service: 'db', count: 2 },
        { service: 'web', count: 1 },
      ],
    });
    const stillFiring = await sections.stillFiringSection(store());
    expect(stillFiring.total).toBe(2);
    expect(stillFiring.listed.map((a) => a.id)).toEqual([ids[0], ids[3]]);
    expect(await sections.responseSection(store(), period)).toEqual({ acked: 2, meanTimeToAckMs: 2 * MINUTE, resolved: 2, meanTimeToResolveMs: 3 * MINUTE });
    expect(await sections.escalationsSection(store(), period)).toEqual({
      alerts: 2,
      byLevel: { L2: 1, L1: 1 },
      listed: [
        { alertId: ids[0], level: 2, title: 'CRIT on db' },
        { alertId: ids[1], level: 1, title: 'WARN on db' },
      ],
    });
    expect(await sections.healsSection(store(), period)).toMatchObject({ runs: 2, succeeded: 1, failed: 1, successRate: 0.5 });
    expect(await sections.restartsSection(store(), period)).toEqual([{ service: 'db', count: 2 }]);
    const [uptime] = await sections.uptimeSection(store(), ['db'], period);
    // Known from the first restart (minute 60), down until it started again at 62: 658 of 660 minutes up.
    expect(uptime!.ratio).toBeCloseTo(658 / 660, 9);
    expect(await sections.failedDeliveriesSection(store(), period)).toMatchObject({ total: 1, listed: [{ alertId: ids[0], lastError: 'chat not found' }] });
    expect(await sections.triggerFiresSection(store(), period)).toEqual([{ rule: 'deep_queue', fires: 2 }]);
  });

  it('says nothing about response times over a period with no acks', async () => {
    expect(await sections.responseSection(store(), { start: at(-600), end: at(-500) })).toEqual({ acked: 0, meanTimeToAckMs: null, resolved: 0, meanTimeToResolveMs: null });
  });

  it('runs an ops cycle into a report row under a unique name, listed newest first and found by name', async () => {
    const file = parseConfigText(`opsCycle: { reportsDir: ${JSON.stringify(dir)}, digest: { telegram: ["-200"] } }`, 'store-ops-reports.yaml');
    const raise = async () => undefined;
    const heal = new HealService(store(), [], { supervises: () => true, isEnabled: async () => false, restart: async () => undefined, probeOnce: async () => null, isRunning: async () => null }, raise, join(dir, 'autoheal.log'), log);
    const deps = {
      // The digest goes to the configured chats, so no subscription is looked up.
      store: store(),
      config: file,
      timezone: 'UTC',
      baseDir: dir,
      heartbeats: new Heartbeats(store(), [], raise, log),
      services: new ServiceManager(store(), [], join(dir, 'logs'), join(dir, 'autoheal.log'), raise, log, 'test-instance'),
      triggers: new TriggerEngine(store(), [], raise, heal, log),
      adapters: {},
      pacer: undefined as unknown as Pacer,
      log,
    };
    const first = await runOpsCycle(deps, 'api:ci', at(12 * 60));
    const second = await runOpsCycle(deps, 'api:ci', at(12 * 60));
    expect(first.row).toMatchObject({ name: 'OPS_2026-11-04_1800', periodStart: t0, trigger: 'api:ci', failures: [] });
    expect(second.row).toMatchObject({ name: 'OPS_2026-11-04_1800_2', periodStart: at(12 * 60) });
    expect(first.report.alerts?.total).toBe(3);
    expect(first.row.headline).toBe('3 alerts, 2 still firing');
    expect(JSON.parse(readFileSync(first.row.jsonPath, 'utf8'))).toMatchObject({ name: first.row.name, response: { meanTimeToAckMs: 2 * MINUTE } });
    expect((await listReports(store())).map((r) => r.name)).toEqual(['OPS_2026-11-04_1800_2', 'OPS_2026-11-04_1800']);
    expect(await findReport(store(), 'OPS_2026-11-04_1800')).toEqual(first.row);
    expect(await findReport(store(), 'OPS_1999-01-01_0000')).toBeUndefined();
  });
});
