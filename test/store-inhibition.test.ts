import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { resolveAlert } from '../src/alerts/lifecycle.js';
import { createSilence, releaseEndedSilences } from '../src/alerts/silence-hold.js';
import { parseConfigText } from '../src/config/load.js';
import { describeEachStore } from './helpers/stores.js';

const config = parseConfigText(
  `
defaultRoute: { discord: ["100"], telegram: ["-200"] }
inhibitRules:
  - name: node down hides what runs on it
    sourceMatchers: ["alertname=NodeDown"]
    targetMatchers: ["alertname!=NodeDown"]
    equal: [instance]
`,
  'test.yaml',
);

const alert = (alertname: string, instance: string, extra: Record<string, unknown> = {}) =>
  alertInputSchema.parse({ severity: 'CRIT', title: `${alertname} on ${instance}`, labels: { alertname, instance }, ...extra });

describeEachStore('inhibition in the store', (store) => {
  const accept = (...inputs: ReturnType<typeof alert>[]) => new AlertAcceptor(store()).accept(config, inputs);
  const idOf = async (input: ReturnType<typeof alert>) => (await accept(input)).results[0]!.id!;
  const held = async (alertId: number) => {
    const { alerts, deliveries, escalationSteps } = store().t;
    const [row] = await store().db.select().from(alerts).where(eq(alerts.id, alertId));
    const states = (await store().db.select().from(deliveries).where(eq(deliveries.alertId, alertId))).map((d) => d.state);
    const steps = (await store().db.select().from(escalationSteps).where(eq(escalationSteps.alertId, alertId))).length;
    return { inhibitedBy: row!.inhibitedBy, states, steps };
  };

  it('a new alert a firing source inhibits is stored, held back and says by which; one elsewhere is posted', async () => {
    const source = await idOf(alert('NodeDown', 'db1', { dedupKey: 'node-db1' }));
    const result = await accept(alert('DiskFull', 'db1'), alert('DiskFull', 'db2'));
    const [inhibited, loud] = result.results as Array<{ id: number; inhibitedBy?: number }>;
    expect(inhibited).toMatchObject({ outcome: 'created', deliveries: 2, inhibitedBy: source });
    expect(loud!.inhibitedBy).toBeUndefined();
    expect(result.work.map((w) => w.deliveryId)).toHaveLength(2);
    expect(new Set(result.escalations.map((e) => e.alertId))).toEqual(new Set([loud!.id]));
    expect(await held(inhibited!.id)).toEqual({ inhibitedBy: source, states: ['inhibited', 'inhibited'], steps: 0 });
    expect(await held(loud!.id)).toMatchObject({ inhibitedBy: null, states: ['pending', 'pending'] });
  });

  it('when the source resolves, what it inhibited and still fires is posted and escalates from then; a resolved target stays quiet', async () => {
    await idOf(alert('NodeDown', 'db3', { dedupKey: 'node-db3' }));
    const target = await idOf(alert('DiskFull', 'db3'));
    const gone = await idOf(alert('LoadHigh', 'db3', { dedupKey: 'load-db3' }));
    await accept(alertInputSchema.parse({ dedupKey: 'load-db3', status: 'resolved' }));
    const resolution = await accept(alertInputSchema.parse({ dedupKey: 'node-db3', status: 'resolved' }));
    expect(resolution.work.filter((w) => w.planned).map((w) => w.platform).sort()).toEqual(['discord', 'telegram']);
    expect(new Set(resolution.escalations.map((e) => e.alertId))).toEqual(new Set([target]));
    expect(await held(target)).toMatchObject({ inhibitedBy: null, states: ['pending', 'pending'], steps: 5 });
    expect(await held(gone)).toMatchObject({ states: ['inhibited', 'inhibited'], steps: 0 });
  });

  it('a source and its target in one batch: the target is inhibited whatever their order', async () => {
    const result = await accept(alert('DiskFull', 'web1'), alert('NodeDown', 'web1'));
    const [target, source] = result.results as Array<{ id: number; inhibitedBy?: number }>;
    expect(target!.inhibitedBy).toBe(source!.id);
    expect(source!.inhibitedBy).toBeUndefined();
  });

  it('a target passes to another firing source when its own resolves, and a resolve by hand lets it go', async () => {
    const first = await idOf(alert('NodeDown', 'db4', { dedupKey: 'node-db4-a' }));
    const target = await idOf(alert('DiskFull', 'db4'));
    const second = await idOf(alert('NodeDown', 'db4', { dedupKey: 'node-db4-b', title: 'NodeDown again' }));
    const quiet = await accept(alertInputSchema.parse({ dedupKey: 'node-db4-a', status: 'resolved' }));
    expect(quiet.work.filter((w) => w.planned)).toEqual([]);
    expect(await held(target)).toMatchObject({ inhibitedBy: second, states: ['inhibited', 'inhibited'] });
    expect(first).not.toBe(second);

    const outcome = await resolveAlert(store(), second, 'alice', config);
    expect(outcome.outcome === 'done' && outcome.released.deliveries.map((d) => d.platform).sort()).toEqual(['discord', 'telegram']);
    expect(await held(target)).toMatchObject({ inhibitedBy: null, states: ['pending', 'pending'] });
  });

  it('an inhibited alert a silence also holds is posted only when both have let go', async () => {
    await idOf(alert('NodeDown', 'db5', { dedupKey: 'node-db5' }));
    const target = await idOf(alert('DiskFull', 'db5'));
    const now = new Date();
    await createSilence(store(), { matchers: [{ name: 'instance', op: '=', value: 'db5' }], durationMs: 60_000, reason: null, createdBy: 'bob' }, now);
    const resolution = await accept(alertInputSchema.parse({ dedupKey: 'node-db5', status: 'resolved' }));
    expect(resolution.work.filter((w) => w.planned)).toEqual([]);
    expect(await held(target)).toMatchObject({ inhibitedBy: null, states: ['silenced', 'silenced'], steps: 0 });
    const released = await releaseEndedSilences(store(), config.escalation, new Date(now.getTime() + 61_000));
    expect(released.deliveries.filter((d) => d.deliveryId > 0).length).toBeGreaterThanOrEqual(2);
    expect(await held(target)).toMatchObject({ states: ['pending', 'pending'], steps: 5 });
  });

  it('two alerts that match both sides of a rule do not hold each other back', async () => {
    const both = parseConfigText(
      `
defaultRoute: { telegram: ["-200"] }
inhibitRules:
  - sourceMatchers: "severity=CRIT"
    targetMatchers: "severity=~CRIT|WARN"
    equal: [instance]
`,
      'test.yaml',
    );
    const crits = await new AlertAcceptor(store()).accept(both, [alert('A', 'db6'), alert('B', 'db6')]);
    expect(crits.results.map((r) => (r as { inhibitedBy?: number }).inhibitedBy)).toEqual([undefined, undefined]);
    const warn = await new AlertAcceptor(store()).accept(both, [alert('C', 'db6', { severity: 'WARN' })]);
    expect((warn.results[0] as { inhibitedBy?: number }).inhibitedBy).toBe(crits.results[0]!.id);
  });
});
