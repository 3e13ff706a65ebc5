import { count, eq, inArray } from 'drizzle-orm';
import { createSilence } from '../src/alerts/silence-hold.js';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { describeEachStore } from './helpers/stores.js';

const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'test.yaml');
const batch = [
  { severity: 'CRIT', title: 'disk full' },
  { severity: 'WARN', title: 'disk filling' },
].map((alert) => alertInputSchema.parse(alert));

describeEachStore('intake transaction', (store) => {
  const storedAlerts = async () => (await store().db.select({ n: count() }).from(store().t.alerts))[0]!.n;

  it('stores a batch inside the caller’s transaction, so the caller’s rollback takes the whole batch back', async () => {
    const acceptor = new AlertAcceptor(store());
    const before = await storedAlerts();
    const acceptThenFail = store().transaction(async (tx) => {
      const result = await acceptor.acceptIn(tx, config, batch);
      expect(result.work).toHaveLength(4);
      throw new Error('the caller’s own work failed');
    });
    await expect(acceptThenFail).rejects.toThrow('the caller’s own work failed');
    expect(await storedAlerts()).toBe(before);

    await store().transaction((tx) => acceptor.acceptIn(tx, config, batch));
    expect(await storedAlerts()).toBe(before + 2);
  });

  it('a repeat of a firing alert bumps it, a resolution resolves it, one without a firing alert is ignored', async () => {
    const acceptor = new AlertAcceptor(store());
    const disk = (status?: 'resolved') => alertInputSchema.parse({ severity: 'CRIT', title: 'disk full', dedupKey: 'disk-db1', ...(status ? { status } : {}) });
    const [created] = (await acceptor.accept(config, [disk()])).results;
    expect(created).toMatchObject({ outcome: 'created', deliveries: 2 });
    const bumped = await acceptor.accept(config, [disk()]);
    expect(bumped.results).toEqual([{ id: created!.id, outcome: 'deduplicated', count: 2 }]);
    expect(bumped.work.map((w) => w.revision)).toEqual([2, 2]);
    const resolved = await acceptor.accept(config, [disk('resolved')]);
    expect(resolved.results).toEqual([{ id: created!.id, outcome: 'resolved' }]);
    expect((await acceptor.accept(config, [disk('resolved')])).results[0]).toMatchObject({ id: null, outcome: 'ignored' });
  });

  const crit = (title: string, extra: Record<string, unknown> = {}) => alertInputSchema.parse({ severity: 'CRIT', title, ...extra });

  it('a batch naming one dedup key twice: the second repeats the first, a resolution after them resolves it', async () => {
    const acceptor = new AlertAcceptor(store());
    const result = await acceptor.accept(config, [crit('twice', { dedupKey: 'batch-twice' }), crit('twice', { dedupKey: 'batch-twice' }), crit('twice', { dedupKey: 'batch-twice', status: 'resolved' })]);
    const id = result.results[0]!.id;
    expect(result.results).toEqual([
      { id, outcome: 'created', deliveries: 2 },
      { id, outcome: 'deduplicated', count: 2 },
      { id, outcome: 'resolved' },
    ]);
  });

  it('repeats, resolutions and new alerts mixed in one batch keep their order in the results and the work', async () => {
    const acceptor = new AlertAcceptor(store());
    const [repeated, resolved] = (await acceptor.accept(config, [crit('repeated', { dedupKey: 'mix-1' }), crit('resolved', { dedupKey: 'mix-2' })])).results.map((r) => r.id!);
    const result = await acceptor.accept(config, [
      crit('new one', { dedupKey: 'mix-3' }),
      crit('repeated', { dedupKey: 'mix-1' }),
      crit('resolved', { dedupKey: 'mix-2', status: 'resolved' }),
      crit('new two'),
    ]);
    expect(result.results.map((r) => r.outcome)).toEqual(['created', 'deduplicated', 'resolved', 'created']);
    expect(result.results[1]).toEqual({ id: repeated, outcome: 'deduplicated', count: 2 });
    expect(result.results[2]).toEqual({ id: resolved, outcome: 'resolved' });
    const [first, , , last] = result.results.map((r) => r.id!);
    expect(last).toBeGreaterThan(first!);
    const { deliveries } = store().t;
    const owner = new Map((await store().db.select({ id: deliveries.id, alertId: deliveries.alertId }).from(deliveries).where(inArray(deliveries.id, result.work.map((w) => w.deliveryId)))).map((d) => [d.id, d.alertId]));
    expect(result.work.map((w) => owner.get(w.deliveryId))).toEqual([first, first, repeated, repeated, resolved, resolved, last, last]);
    expect(new Set(result.escalations.map((e) => e.alertId))).toEqual(new Set([first, last]));
  });

  it('a batch larger than one insert statement: every alert gets its own deliveries and ladder, in input order', async () => {
    const acceptor = new AlertAcceptor(store());
    const inputs = Array.from({ length: 230 }, (_, i) => crit(`big ${i}`, { service: 'big-batch' }));
    const result = await acceptor.accept(config, inputs);
    const ids = result.results.map((r) => r.id!);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(230);
    const { alerts, deliveries, escalationSteps } = store().t;
    const titles = new Map((await store().db.select({ id: alerts.id, title: alerts.title }).from(alerts).where(eq(alerts.service, 'big-batch'))).map((a) => [a.id, a.title]));
    expect(ids.map((id) => titles.get(id))).toEqual(inputs.map((input) => input.title));
    const rows = await store().db.select({ id: deliveries.id, alertId: deliveries.alertId, platform: deliveries.platform }).from(deliveries).where(inArray(deliveries.alertId, ids));
    expect(rows).toHaveLength(460);
    const owner = new Map(rows.map((d) => [d.id, d.alertId]));
    expect(result.work.map((w) => owner.get(w.deliveryId))).toEqual(ids.flatMap((id) => [id, id]));
    expect(result.work.map((w) => w.platform)).toEqual(ids.flatMap(() => ['discord', 'telegram']));
    const steps = await store().db.select({ alertId: escalationSteps.alertId }).from(escalationSteps).where(inArray(escalationSteps.alertId, ids));
    expect(steps).toHaveLength(230 * 5);
    expect(result.escalations.map((e) => e.alertId)).toEqual(ids.flatMap((id) => Array(5).fill(id)));
  });

  it('in one batch, an alert a silence matches is stored with held deliveries and no ladder, the others go out', async () => {
    const acceptor = new AlertAcceptor(store());
    await createSilence(store(), { matchers: [{ name: 'service', op: '=', value: 'batch-hushed' }], durationMs: 3_600_000, reason: 'work', createdBy: 'alice' });
    const result = await acceptor.accept(config, [crit('hushed', { service: 'batch-hushed' }), crit('loud', { service: 'batch-loud' })]);
    const [hushed, loud] = result.results.map((r) => r.id!);
    const { deliveries } = store().t;
    const states = await store().db.select({ alertId: deliveries.alertId, state: deliveries.state }).from(deliveries).where(inArray(deliveries.alertId, [hushed!, loud!]));
    expect(states.filter((d) => d.alertId === hushed).map((d) => d.state)).toEqual(['silenced', 'silenced']);
    expect(states.filter((d) => d.alertId === loud).map((d) => d.state)).toEqual(['pending', 'pending']);
    expect(result.results[0]).toEqual({ id: hushed, outcome: 'created', deliveries: 2 });
    expect(new Set(result.work.map((w) => w.deliveryId)).size).toBe(2);
    expect(new Set(result.escalations.map((e) => e.alertId))).toEqual(new Set([loud]));
  });
});
