import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { acknowledgeAlert, resolveAlert } from '../src/alerts/lifecycle.js';
import { createSilence, releaseEndedSilences, releaseEndedSilencesTo, removeSilence } from '../src/alerts/silence-hold.js';
import type { DeliveryWork, EscalationWork, WorkSink } from '../src/shared/work.js';
import { loadFiringView } from '../src/alerts/firing-view.js';
import { getAlertDetail, listAlerts } from '../src/alerts/query.js';
import { parseConfigText } from '../src/config/load.js';
import { listActiveSilences } from '../src/routing/silences.js';
import { listSubscriptions, subscribe, subscriptionOf, unsubscribe } from '../src/routing/subscriptions.js';
import { listAudit, listAuditOfAlert, recordAudit, recordRefusalCount } from '../src/operations/audit-log.js';
import { nextStep } from '../src/escalation/plan.js';
import { describeEachStore } from './helpers/stores.js';

const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'test.yaml');
const crit = (title: string, extra: Record<string, unknown> = {}) => alertInputSchema.parse({ severity: 'CRIT', title, service: 'db', ...extra });
const minutes = (n: number) => n * 60_000;

describeEachStore('alert store operations', (store) => {
  const fire = async (title: string, extra: Record<string, unknown> = {}, now = new Date()) =>
    (await new AlertAcceptor(store()).accept(config, [crit(title, extra)], now)).results[0]!.id!;
  const stepsOf = async (alertId: number) => {
    const { escalationSteps } = store().t;
    return store().db.select().from(escalationSteps).where(eq(escalationSteps.alertId, alertId)).orderBy(escalationSteps.id);
  };

  it('plans the default ladder of a CRIT alert, five steps, the first due 5 minutes after it fired', async () => {
    const firedAt = new Date('2026-12-04T10:00:00.000Z');
    const id = await fire('ladder', {}, firedAt);
    const steps = await stepsOf(id);
    expect(steps.map((s) => [s.level, s.repeat, s.state])).toEqual([
      [1, 0, 'pending'],
      [2, 0, 'pending'],
      [2, 1, 'pending'],
      [3, 0, 'pending'],
      [4, 0, 'pending'],
    ]);
    expect(await nextStep(store(), store().db, id)).toMatchObject({ alertId: id, dueAt: new Date(firedAt.getTime() + minutes(5)) });
  });

  it('ack records who, stops the ladder and plans the edits; a second ack finds it already acked', async () => {
    const id = await fire('ack me');
    const acked = await acknowledgeAlert(store(), id, 'alice');
    expect(acked).toMatchObject({ outcome: 'done', stoppedSteps: 5, alert: { ackedBy: 'alice', revision: 2 } });
    expect(acked.outcome === 'done' && acked.work.map((w) => [w.platform, w.revision])).toEqual([
      ['discord', 2],
      ['telegram', 2],
    ]);
    expect((await stepsOf(id)).every((s) => s.state === 'cancelled' && s.detail === 'acknowledged by alice')).toBe(true);
    expect(await acknowledgeAlert(store(), id, 'bob')).toMatchObject({ outcome: 'already', alert: { ackedBy: 'alice' } });
    expect(await acknowledgeAlert(store(), 999_999, 'bob')).toEqual({ outcome: 'unknown' });
  });

  it('two acks at once: one acks, the other finds it acked', async () => {
    const id = await fire('raced ack');
    const outcomes = await Promise.all(['alice', 'bob', 'carol'].map((who) => acknowledgeAlert(store(), id, who)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already', 'already', 'done']);
  });

  it('resolve by hand resolves once and stops the ladder', async () => {
    const id = await fire('resolve me');
    expect(await resolveAlert(store(), id, 'carol', config)).toMatchObject({ outcome: 'done', stoppedSteps: 5, alert: { status: 'resolved', resolvedBy: 'carol' } });
    expect(await resolveAlert(store(), id, 'carol', config)).toMatchObject({ outcome: 'already' });
  });

  it('a silence holds the firing alerts it matches, lists how many, and lets them go when it ends', async () => {
    const now = new Date();
    const id = await fire('held', { service: 'cache' });
    const { silence, held } = await createSilence(store(), { matchers: [{ name: 'service', op: '=', value: 'cache' }], durationMs: minutes(60), reason: 'work', createdBy: 'alice' }, now);
    expect(held).toBe(1);
    expect((await listActiveSilences(store(), now)).find((s) => s.id === silence.id)).toMatchObject({ holding: 1, createdBy: 'alice' });
    expect((await stepsOf(id)).every((s) => s.state === 'cancelled')).toBe(true);
    expect(await removeSilence(store(), silence.id, 'bob', new Date(now.getTime() + 1_000))).toMatchObject({ id: silence.id, removedBy: 'bob' });
    expect(await removeSilence(store(), silence.id, 'bob', new Date(now.getTime() + 2_000))).toBeUndefined();
    const released = await releaseEndedSilences(store(), config.escalation, new Date(now.getTime() + 3_000));
    expect(released.released).toBeGreaterThanOrEqual(1);
    expect(released.deliveries.filter((d) => d.planned).length).toBeGreaterThanOrEqual(2);
    expect(released.escalations.filter((e) => e.alertId === id)).toHaveLength(5);
  });

  it('released from a silence: the held deliveries and the restarted ladder are both handed over, not left for the overdue sweep', async () => {
    const now = new Date();
    const id = await fire('held then handed', { service: 'handed' });
    const { silence } = await createSilence(store(), { matchers: [{ name: 'service', op: '=', value: 'handed' }], durationMs: minutes(60), reason: 'work', createdBy: 'alice' }, now);
    await removeSilence(store(), silence.id, 'bob', new Date(now.getTime() + 1_000));
    const handed = { deliveries: [] as DeliveryWork[], escalations: [] as EscalationWork[] };
    const sink = { deliveries: async (work: DeliveryWork[]) => void handed.deliveries.push(...work), escalations: async (work: EscalationWork[]) => void handed.escalations.push(...work) } as WorkSink;
    const releasedAt = new Date(now.getTime() + 2_000);
    await releaseEndedSilencesTo(sink, store(), config.escalation, releasedAt);
    expect(handed.escalations.filter((e) => e.alertId === id).map((e) => e.dueAt)).toContainEqual(new Date(releasedAt.getTime() + minutes(5)));
    expect(handed.deliveries.map((d) => d.platform).sort()).toEqual(expect.arrayContaining(['discord', 'telegram']));
  });

  it('a fenced release by an instance that no longer leads changes nothing: the alert stays held for the leader to release', async () => {
    const now = new Date();
    const id = await fire('fenced', { service: 'fenced' });
    const { silence } = await createSilence(store(), { matchers: [{ name: 'service', op: '=', value: 'fenced' }], durationMs: minutes(60), reason: 'work', createdBy: 'alice' }, now);
    await removeSilence(store(), silence.id, 'bob', new Date(now.getTime() + 1_000));
    const notLeading = async () => false;
    expect(await releaseEndedSilences(store(), config.escalation, new Date(now.getTime() + 2_000), notLeading)).toEqual({ released: 0, deliveries: [], escalations: [] });
    expect((await getAlertDetail(store(), id))!.deliveries.map((d) => d.state)).toEqual(['silenced', 'silenced']);
    const leader = await releaseEndedSilences(store(), config.escalation, new Date(now.getTime() + 3_000), async () => true);
    expect(leader.escalations.filter((e) => e.alertId === id)).toHaveLength(5);
  });

  it('finds the audit rows of one alert, whatever recorded them, newest first', async () => {
    const id = await fire('audited');
    const entry = (command: string, args: Record<string, string>) => ({ at: new Date(), platform: 'api', userId: 'alice', userName: 'alice', chatId: null, via: 'api' as const, command, args, result: 'ok' as const, detail: null });
    const first = await recordAudit(store(), entry('ack', { alert: String(id) }));
    await recordAudit(store(), entry('ack', { alert: String(id + 1000) }));
    const second = await recordAudit(store(), entry('silence', { alert: String(id), matchers: 'service=db' }));
    expect((await listAuditOfAlert(store(), id)).map((row) => row.id)).toEqual([second, first]);
  });

  it('lists alerts newest first with filters, and one alert with its deliveries and ladder', async () => {
    const id = await fire('listed', { service: 'listing' });
    expect((await listAlerts(store(), { service: 'listing', limit: 10 })).map((a) => a.id)).toEqual([id]);
    const detail = await getAlertDetail(store(), id);
    expect(detail).toMatchObject({ id, title: 'listed', deliveries: [{ platform: 'discord', state: 'pending' }, { platform: 'telegram', state: 'pending' }] });
    expect(detail!.escalation).toHaveLength(5);
    expect(await getAlertDetail(store(), 999_999)).toBeUndefined();
  });

  it('the firing view counts by severity, lists CRIT first, and shows each open ladder', async () => {
    const id = await fire('in view', { service: 'viewed' });
    const view = await loadFiringView(store(), { limit: 5, failedSince: new Date(0), service: 'viewed' });
    expect(view.counts).toEqual({ INFO: 0, WARN: 0, CRIT: 1 });
    expect(view.firing.map((a) => a.id)).toEqual([id]);
    expect(view.escalations).toEqual([expect.objectContaining({ alertId: id, reached: 0, nextLevel: 1, nextDueAt: expect.any(Date) })]);
    expect(view.escalationTotal).toBe(1);
  });

  it('subscriptions: one per chat, replaced on subscribe, gone on unsubscribe', async () => {
    const chat = { platform: 'telegram' as const, destination: '-777' };
    await subscribe(store(), { ...chat, minSeverity: 'WARN', services: [], createdBy: 'alice' });
    await subscribe(store(), { ...chat, minSeverity: 'CRIT', services: ['db'], createdBy: 'bob' });
    expect(await subscriptionOf(store(), chat.platform, chat.destination)).toMatchObject({ minSeverity: 'CRIT', services: ['db'], createdBy: 'bob' });
    expect((await listSubscriptions(store())).filter((s) => s.destination === '-777')).toHaveLength(1);
    expect(await unsubscribe(store(), chat.platform, chat.destination)).toBe(true);
    expect(await unsubscribe(store(), chat.platform, chat.destination)).toBe(false);
  });

  it('the audit log: rows come back newest first, filtered, and a refusal row carries its count', async () => {
    const entry = { at: new Date(), platform: 'telegram', userId: 'u-audit', userName: '@u', chatId: '-1', via: 'command' as const, command: 'heal', args: { service: 'db' }, result: 'refused' as const, detail: 'needs operator' };
    const first = await recordAudit(store(), entry);
    const second = await recordAudit(store(), { ...entry, result: 'ok', detail: 'done' });
    await recordRefusalCount(store(), first, 7, 60_000);
    const rows = await listAudit(store(), { limit: 10, userId: 'u-audit' });
    expect(rows.map((r) => r.id)).toEqual([second, first]);
    expect(rows[1]!.detail).toBe('needs operator · 7 refusals from this user within 60 s, counted on this row');
    expect(rows[1]!.args).toEqual({ service: 'db' });
  });
});
