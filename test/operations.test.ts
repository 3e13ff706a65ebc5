import { inProcessStore } from './helpers/in-process-store.js';
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HealService } from '../src/heal/heal-service.js';
import { ServiceManager } from '../src/heal/service-manager.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { CommandRunner } from '../src/chat/runner.js';
import type { CommandServices } from '../src/chat/services.js';
import { ack } from '../src/operations/ack.js';
import { listAudit } from '../src/operations/audit-log.js';
import type { Actor, AuditResult } from '../src/operations/actor.js';
import { heal, restart } from '../src/operations/heal.js';
import { resend } from '../src/operations/resend.js';
import { resolve } from '../src/operations/resolve.js';
import { setServiceEnabled } from '../src/operations/service-switch.js';
import { silence, unsilence } from '../src/operations/silence.js';
import { subscribe, unsubscribe } from '../src/operations/subscription.js';
import { chatText, describe as describeResult, errorText } from '../src/operations/wording.js';

/** The operations called in process: a migrated SQLite file, queues that only record what was added, an actor that keeps its audit rows. */
const { dir, store, log, config, sink, added, fire } = inProcessStore(
  'operations',
  [
    'defaultRoute: { discord: ["100"], telegram: ["-200"] }',
    'access: { telegram: { users: { "7": responder } } }',
    'services:',
    '  - name: web',
    '    role: storefront',
    '    owner: team-web',
    '    command: ["sleep", "60"]',
  ].join('\n'),
);
const deps = { store, sink, platforms: ['discord', 'telegram'] as const, routing: {} };
const { deliveries } = store.t;

let audited: Array<{ result: AuditResult; detail: string }> = [];
const actor = (name: string, via: Actor['via'] = 'chat'): Actor => ({ name, via, audit: async (result, detail) => void audited.push({ result, detail }) });
const jobIds = () => added.map((job) => `${job.queue} ${job.opts.jobId}`);

beforeEach(() => {
  added.length = 0;
  audited = [];
});

describe('ack and resolve', () => {
  it('acks once: the alert records who, both messages are queued for an edit, one ok audit row', async () => {
    const id = await fire('disk full');
    const result = await ack(deps, id, actor('@alice'));
    expect(result).toMatchObject({ kind: 'acked', alert: { id, ackedBy: '@alice', revision: 2 }, stoppedSteps: 5 });
    expect(chatText(result)).toBe(`Alert #${id} acknowledged by @alice. Escalation stopped (5 pending steps).`);
    expect(audited).toEqual([{ result: 'ok', detail: `Alert #${id} acknowledged by @alice. Escalation stopped (5 pending steps)` }]);
    const planned = (await store.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.alertId, id)).orderBy(deliveries.id)).map((d) => d.id);
    expect(jobIds().sort()).toEqual([`discord d${planned[0]}-r2`, `telegram d${planned[1]}-r2`]);
  });

  it('an ack of an acked alert changes nothing, is audited ok, and says by whom in every door the same way', async () => {
    const id = await fire('cpu hot');
    await ack(deps, id, actor('@alice'));
    added.length = 0;
    audited = [];
    const again = await ack(deps, id, actor('bob', 'api'));
    expect(again).toMatchObject({ kind: 'already-acked', by: '@alice' });
    expect(describeResult(again)).toBe(`Alert #${id} is already acknowledged by @alice.`);
    expect(errorText(again)).toBe(`alert #${id} is already acknowledged by @alice`);
    expect(audited).toEqual([{ result: 'ok', detail: `Alert #${id} is already acknowledged by @alice` }]);
    expect(added).toEqual([]);
  });

  it('an unknown alert is not-found, audited invalid, and nothing is queued', async () => {
    const result = await ack(deps, 99_999, actor('@alice'));
    expect(result).toEqual({ kind: 'not-found', what: 'alert', id: '99999' });
    expect(chatText(result)).toBe('No alert #99999. /status lists the firing ones.');
    expect(errorText(result)).toBe('no alert #99999');
    expect(audited).toEqual([{ result: 'invalid', detail: 'No alert #99999' }]);
    expect(added).toEqual([]);
  });

  it('resolves once; a second resolve or an ack after it finds it resolved', async () => {
    const id = await fire('queue stuck');
    expect(await resolve(deps, id, actor('bob'))).toMatchObject({ kind: 'resolved', alert: { status: 'resolved', resolvedBy: 'bob' } });
    expect(added).toHaveLength(2);
    const again = await resolve(deps, id, actor('carol'));
    expect(again).toMatchObject({ kind: 'already-resolved', by: 'bob' });
    expect(await ack(deps, id, actor('carol'))).toMatchObject({ kind: 'already-resolved', by: 'bob' });
    expect(describeResult(again)).toBe(`Alert #${id} is already resolved by bob.`);
    expect(audited.map((row) => row.result)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('silences', () => {
  it('a silence holds the firing alert it matches and schedules its end; unsilence ends it once', async () => {
    await fire('api slow');
    const now = new Date();
    const held = await silence(deps, { matchers: [{ name: 'service', op: '=', value: 'db' }], durationMs: 3_600_000, reason: null }, actor('@alice'), now);
    expect(held).toMatchObject({ kind: 'silenced', held: expect.any(Number) });
    expect(held.held).toBeGreaterThanOrEqual(1);
    expect(added).toEqual([expect.objectContaining({ queue: 'silence-end', data: { silenceId: held.silence.id } })]);
    expect(describeResult(held)).toContain(`Silence #${held.silence.id} on service=db for 1h`);

    added.length = 0;
    expect(await unsilence(deps, held.silence.id, actor('bob'), now)).toMatchObject({ kind: 'unsilenced', silence: { removedBy: 'bob' } });
    expect(added).toEqual([expect.objectContaining({ queue: 'silence-end', data: { silenceId: held.silence.id } })]);
    const twice = await unsilence(deps, held.silence.id, actor('bob'), now);
    expect(chatText(twice)).toBe(`No active silence #${held.silence.id}. /silences lists them.`);
    expect(audited.map((row) => row.result)).toEqual(['ok', 'ok', 'invalid']);
  });
});

describe('resend', () => {
  it('reopens the failed delivery and queues it; an unknown alert is not-found', async () => {
    const id = await fire('mail down');
    await store.transaction((tx) => tx.update(deliveries).set({ state: 'failed' }).where(eq(deliveries.alertId, id)));
    const result = await resend(deps, { alertId: id }, actor('bob', 'api'));
    expect(result).toMatchObject({ kind: 'resent', message: '2 failed deliveries queued again (1 to discord 100, 1 to telegram -200)' });
    expect(added.map((job) => job.queue).sort()).toEqual(['discord', 'telegram']);
    expect(audited).toEqual([{ result: 'ok', detail: '2 failed deliveries queued again (1 to discord 100, 1 to telegram -200)' }]);
    expect(await resend(deps, { alertId: 123_456 }, actor('bob', 'api'))).toEqual({ kind: 'not-found', what: 'alert', id: '123456' });
  });
});

describe('subscriptions', () => {
  it('subscribes a chat and unsubscribes it once', async () => {
    const chat = { platform: 'telegram' as const, destination: '-300' };
    const subscribed = await subscribe(deps, { ...chat, minSeverity: 'WARN', services: [] }, actor('@alice'));
    expect(chatText(subscribed)).toBe('Subscribed: this chat now gets WARN and above from every service. /unsubscribe stops it.');
    expect(await unsubscribe(deps, chat, actor('@alice'))).toEqual({ kind: 'unsubscribed', by: '@alice' });
    const none = await unsubscribe(deps, chat, actor('@alice'));
    expect(chatText(none)).toBe('This chat has no subscription. /subscribe creates one.');
    expect(audited.map((row) => row.result)).toEqual(['ok', 'ok', 'invalid']);
  });
});

describe('heal, restart and the maintenance switch', () => {
  const control = { supervises: () => true, isEnabled: async () => true, restart: async () => undefined, probeOnce: async () => ({ ok: true, detail: 'up' }), isRunning: async () => true };
  const healService = new HealService(store, config.services, control, async () => undefined, join(dir, 'autoheal.log'), log);
  const manager = new ServiceManager(store, [], join(dir, 'logs'), join(dir, 'autoheal.log'), async () => undefined, log, 'test-instance');

  it('restart starts a heal run named after the actor; an unknown action or service is refused, audited refused', async () => {
    const started = await restart({ heal: healService, log }, 'web', actor('@ops'));
    expect(started).toMatchObject({ kind: 'heal-started', run: { service: 'web', action: 'restart', trigger: 'chat', triggeredBy: '@ops' } });
    expect(describeResult(started)).toMatch(/^Heal run #\d+ started by @ops: restart on web\./);
    const refused = await heal({ heal: healService, log }, 'nginx', undefined, actor('@ops', 'api'));
    expect(refused).toEqual({ kind: 'refused', reason: 'No service named "nginx" is configured; services: web.' });
    expect(errorText(refused)).toBe('No service named "nginx" is configured; services: web.');
    expect(audited.map((row) => row.result)).toEqual(['ok', 'refused']);
  });

  it('switching a service nobody configured is not-found, audited invalid', async () => {
    const result = await setServiceEnabled({ manager }, 'ghost', false, actor('alice', 'dashboard'));
    expect(describeResult(result)).toBe('No service named "ghost" is configured.');
    expect(errorText(result)).toBe('no service named "ghost" is configured');
    expect(audited).toEqual([{ result: 'invalid', detail: 'No service named "ghost" is configured' }]);
  });
});

describe('a chat command over an operation', () => {
  const services = { store, config, sink, log, platforms: ['telegram'] } as unknown as CommandServices;
  const runner = new CommandRunner(ALL_COMMANDS, services, log);
  const invoker = { platform: 'telegram' as const, userId: '7', userName: '@alice', chatId: '-200', roleIds: [] };
  const run = (alert: string) => runner.run({ command: 'ack', raw: { alert }, invoker, via: 'command' });
  const auditRows = async () => (await listAudit(store, { limit: 100, command: 'ack' })).filter((row) => row.via === 'command');

  it('only parses and renders: one audit row per command, written by the operation', async () => {
    const id = await fire('chat ack');
    const before = (await auditRows()).length;
    expect(await run(String(id))).toEqual({ text: `Alert #${id} acknowledged by @alice. Escalation stopped (5 pending steps).`, private: false });
    expect(await run('99999')).toEqual({ text: 'No alert #99999. /status lists the firing ones.', private: true });
    const rows = await auditRows();
    expect(rows.slice(0, rows.length - before).map((row) => [row.result, row.detail, row.args])).toEqual([
      ['invalid', 'No alert #99999', { alert: '99999' }],
      ['ok', `Alert #${id} acknowledged by @alice. Escalation stopped (5 pending steps)`, { alert: String(id) }],
    ]);
  });
});
