import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import type { Store } from '../src/db/store.js';
import { HealRefusal, HealService, type ServiceControl } from '../src/heal/heal-service.js';
import { ServiceRecords } from '../src/heal/service-records.js';
import { uptimeRatio } from '../src/heal/uptime.js';
import { UptimeBuckets } from '../src/heal/uptime-buckets.js';
import type { AlertInput } from '../src/alerts/input.js';
import { describeEachStore } from './helpers/stores.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = new Date('2026-11-02T00:00:00.000Z').getTime();
const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'opsbot-store-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const services = parseConfigText(
  ['services:', ...['web', 'api', 'cron', 'worker'].flatMap((name) => [`  - name: ${name}`, '    role: test', '    owner: ops', '    command: ["sleep", "60"]', '    heal: { cooldown: 1h }'])].join('\n'),
  'store-ops.yaml',
).services;

/** Runs the heal service against the rows of `store`: the action always works, the service is enabled unless named in `disabled`. */
function healServiceOver(store: Store, disabled: string[] = []) {
  const raised: AlertInput[] = [];
  const control: ServiceControl = {
    supervises: () => true,
    isEnabled: async (name) => !disabled.includes(name),
    restart: async () => undefined,
    probeOnce: async () => ({ ok: true, detail: 'answers' }),
    isRunning: async () => true,
  };
  const heal = new HealService(store, services, control, async (input) => void raised.push(input), join(dir, 'autoheal.log'), log);
  return { heal, raised };
}

describeEachStore('store-ops heal', (store) => {
  it('keeps a service row: created enabled once, its process and health changes each with an event', async () => {
    const records = new ServiceRecords(store());
    expect(await records.ensure('web', 'stopped')).toMatchObject({ name: 'web', state: 'stopped', health: 'unknown', enabled: true, restarts: 0, pid: null });
    await records.setEnabled('web', false, 'alice');
    expect((await records.ensure('web', 'stopped')).enabled).toBe(false);
    await records.started('web', 4242, new Date(t0));
    await records.setHealth('web', 'unhealthy', 'HTTP 500');
    await records.noteProbe('web', 'HTTP 502');
    await records.exited('web', null, 'SIGKILL', new Date(t0 + 1_000));
    await records.setProcess('web', 'fatal', 'crash loop', false);
    await records.setProcess('web', 'fatal', 'crash loop again', false);
    expect(await records.get('web')).toMatchObject({ state: 'fatal', health: 'unhealthy', pid: null, lastProbeDetail: 'HTTP 502', startedAt: new Date(t0) });
    const events = await records.eventsSince('web', new Date(0));
    expect(events.map((e) => [e.kind, e.up, e.detail])).toEqual([
      ['fatal', false, 'crash loop'],
      ['exited', false, 'killed by SIGKILL'],
      ['unhealthy', false, 'HTTP 500'],
      ['started', true, 'pid 4242'],
      ['disabled', null, 'by alice'],
    ]);
    expect(await records.lastSwitchedBy('web')).toBe('alice');
    expect(await records.lastSwitchedBy('nobody')).toBeUndefined();
  });

  it('lists services by name and counts restarts that happen at once without losing one', async () => {
    const records = new ServiceRecords(store());
    await records.ensure('worker', 'stopped');
    await Promise.all(Array.from({ length: 6 }, () => records.restarting('worker', 100)));
    expect((await records.get('worker'))?.restarts).toBe(6);
    expect((await records.get('worker'))?.state).toBe('backoff');
    expect((await records.list()).map((row) => row.name)).toEqual(['web', 'worker']);
  });

  it('computes uptime over a period from the up/down events, with the cached buckets agreeing', async () => {
    const records = new ServiceRecords(store());
    await records.event('api', 'started', true, null, new Date(t0 - 5 * HOUR));
    await records.event('api', 'exited', false, null, new Date(t0 + 6 * HOUR));
    await records.event('api', 'started', true, null, new Date(t0 + 12 * HOUR));
    await records.event('api', 'disabled', null, 'by ops', new Date(t0 + 13 * HOUR));
    expect(await uptimeRatio(store(), 'api', new Date(t0), new Date(t0 + DAY))).toBeCloseTo(18 / 24, 9);
    expect(await uptimeRatio(store(), 'api', new Date(t0 + 6 * HOUR), new Date(t0 + 12 * HOUR))).toBe(0);
    expect(await uptimeRatio(store(), 'never-seen', new Date(t0), new Date(t0 + DAY))).toBeNull();
    const buckets = new UptimeBuckets(store());
    for (const window of [DAY, 7 * DAY]) {
      const now = t0 + DAY;
      const expected = await uptimeRatio(store(), 'api', new Date(now - window), new Date(now));
      expect(await buckets.ratio('api', now - window, now)).toBeCloseTo(expected!, 9);
    }
    const slots = await buckets.slots('api', t0, t0 + DAY);
    expect(slots).toHaveLength(96);
    expect(slots[0]).toEqual({ start: t0, end: t0 + 15 * 60_000, upMs: 15 * 60_000, knownMs: 15 * 60_000 });
    expect(slots[30]).toMatchObject({ upMs: 0, knownMs: 15 * 60_000 });
  });

  it('records a heal run from start to its verified outcome, and lists runs newest first', async () => {
    const { heal, raised } = healServiceOver(store());
    const { run, done } = await heal.start('web', undefined, 'chat', '@ops', new Date(t0));
    expect(run).toMatchObject({ service: 'web', action: 'restart', trigger: 'chat', triggeredBy: '@ops', state: 'running', startedAt: new Date(t0) });
    const finished = await done;
    expect(finished).toMatchObject({ id: run.id, state: 'succeeded', verification: 'healthy again: answers', exitCode: null });
    expect(typeof finished.durationMs).toBe('number');
    expect(raised.map((a) => [a.title, a.status])).toEqual([
      ['Healed web: restart worked', 'firing'],
      ['Heal of web', 'resolved'],
    ]);
    const second = await heal.start('api', 'restart', 'api', 'ci');
    await second.done;
    expect((await heal.listRuns()).map((r) => r.id).slice(0, 2)).toEqual([second.run.id, run.id]);
    expect((await heal.listRuns('web', 5)).map((r) => r.id)).toEqual([run.id]);
  });

  it('refuses a disabled service, an overlapping run and an automatic heal within the cooldown', async () => {
    const { heal } = healServiceOver(store(), ['worker']);
    await expect(heal.start('worker', undefined, 'chat', '@ops')).rejects.toThrow(/worker is disabled/);
    await expect(heal.start('ghost', undefined, 'chat', '@ops')).rejects.toBeInstanceOf(HealRefusal);
    const first = await heal.start('cron', undefined, 'probe', 'opsbot', new Date(t0 + DAY));
    await expect(heal.start('cron', undefined, 'chat', '@ops')).rejects.toThrow(/already in progress/);
    await first.done;
    await expect(heal.start('cron', undefined, 'rule', 'trigger x', new Date(t0 + DAY + 60_000))).rejects.toThrow(/automatic heals wait 1h/);
    const byHand = await heal.start('cron', undefined, 'dashboard', 'alice', new Date(t0 + DAY + 60_000));
    await byHand.done;
  });

  it('closes the runs a stop interrupted as failed, only of the services named (another instance may be running the others), and counts them', async () => {
    const { heal } = healServiceOver(store());
    const { t } = store();
    await store().transaction((tx) =>
      tx.insert(t.healRuns).values([
        { service: 'api', action: 'restart', trigger: 'chat', triggeredBy: 'x', state: 'running', startedAt: new Date(t0) },
        { service: 'api', action: 'restart', trigger: 'chat', triggeredBy: 'y', state: 'verifying', startedAt: new Date(t0) },
        { service: 'elsewhere', action: 'restart', trigger: 'chat', triggeredBy: 'z', state: 'running', startedAt: new Date(t0) },
      ]),
    );
    expect(await heal.closeInterruptedRuns(['api'], new Date(t0 + HOUR))).toBe(2);
    expect(await heal.closeInterruptedRuns(['api'])).toBe(0);
    expect((await heal.listRuns('elsewhere', 1)).map((r) => r.state)).toEqual(['running']);
    const closed = (await heal.listRuns('api', 2)).map((r) => [r.state, r.finishedAt, r.triggeredBy]);
    expect(closed).toEqual([
      ['failed', new Date(t0 + HOUR), 'y'],
      ['failed', new Date(t0 + HOUR), 'x'],
    ]);
  });
});
