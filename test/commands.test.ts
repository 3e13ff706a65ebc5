import { inProcessStore } from './helpers/in-process-store.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_COMMANDS } from '../commands/index.js';
import { CommandRunner } from '../src/chat/runner.js';
import type { CommandServices } from '../src/chat/services.js';
import { HealService } from '../src/heal/heal-service.js';
import { ServiceManager } from '../src/heal/service-manager.js';
import { Heartbeats } from '../src/heartbeats/heartbeats.js';
import { TriggerEngine } from '../src/triggers/engine.js';
import { listAudit } from '../src/operations/audit-log.js';
import type { Invocation, Invoker } from '../src/shared/chat.js';

/**
 * The chat commands fed straight into the command runner, as grammY's tests feed updates into their
 * middleware: a migrated SQLite file, queues that only count what is added, no platform and no
 * network. What the runner answers is what both platforms render (test/chat.test.ts checks a few of
 * these answers end to end through the fakes).
 */
const { dir, store, log, config, sink, added, fire } = inProcessStore(
  'commands',
  [
    'defaultRoute: { discord: ["100"], telegram: ["-200"] }',
    'access: { telegram: { users: { "7": responder, "8": viewer, "9": operator } } }',
  ].join('\n'),
);
const raise = async () => undefined;
const heartbeats = new Heartbeats(store, [], raise, log);
const manager = new ServiceManager(store, [], join(dir, 'logs'), join(dir, 'autoheal.log'), raise, log, 'test-instance');
const heal = new HealService(store, [], manager, raise, join(dir, 'autoheal.log'), log);
const triggers = new TriggerEngine(store, [], raise, heal, log);
const services: CommandServices = {
  store,
  config,
  sink,
  log,
  platforms: ['telegram'],
  heartbeats,
  heal,
  services: manager,
  triggers,
  runReport: () => Promise.reject(new Error('no ops cycle in this test')),
  backlog: async () => ({ deliver: 0, escalate: 0 }),
};
const runner = new CommandRunner(ALL_COMMANDS, services, log);
afterAll(() => runner.close());

const person = (userId: string, userName: string): Invoker => ({ platform: 'telegram', userId, userName, chatId: '-200', roleIds: [] });
const alice = person('7', '@alice');
const victor = person('8', '@victor');
const olga = person('9', '@olga');
const stranger = person('666', '@stranger');
const send = (invoker: Invoker, command: string, raw: Invocation['raw'] = {}) => runner.run({ command, raw, invoker, via: 'command' });
const lastAudit = async (command: string) => (await listAudit(store, { limit: 1, command }))[0];

describe('roles', () => {
  it('refuses a command above the user role, privately, naming the role needed, and audits the refusal', async () => {
    const id = await fire('disk full');
    expect(await send(victor, 'ack', { alert: String(id) })).toMatchObject({ text: expect.stringContaining('/ack needs the responder role; you have viewer'), private: true });
    expect(await lastAudit('ack')).toMatchObject({ result: 'refused', userName: '@victor' });
    expect(await send(alice, 'restart', { service: 'api' })).toMatchObject({ text: expect.stringContaining('/restart needs the operator role; you have responder') });
  });

  it('a stranger outside every configured chat has no role at all', async () => {
    const elsewhere: Invoker = { ...stranger, chatId: '-999' };
    expect((await send(elsewhere, 'status')).text).toContain('/status needs the viewer role; you have no role here');
  });

  it('/help lists what the role allows and says how many more need a higher one', async () => {
    const { text } = await send(victor, 'help');
    expect(text).toContain('You are viewer here');
    expect(text).toContain('/status [service]');
    expect(text).not.toContain('/ack <alert>');
    expect(text).toMatch(/\d+ more commands need a higher role/);
  });
});

describe('/check', () => {
  it('runs for an operator, says all is healthy here, and is audited; a responder is refused', async () => {
    expect(await send(olga, 'check')).toMatchObject({ text: 'Check: all healthy (0 services, 0 heartbeats; no trigger fired).', private: false });
    expect(await lastAudit('check')).toMatchObject({ result: 'ok', userName: '@olga' });
    expect((await send(alice, 'check')).text).toContain('/check needs the operator role; you have responder');
  });
});

describe('arguments', () => {
  it('answers a bad or missing argument with what is wrong, and runs nothing', async () => {
    const before = added.length;
    expect((await send(alice, 'ack', { alert: 'banana' })).text).toContain('<alert>: alert "banana" must be an alert number like 42 or #42');
    expect((await send(alice, 'ack')).text).toContain('/ack needs <alert>');
    expect((await send(alice, 'silence', { matchers: 'service=db', duration: '5x' })).text).toContain('duration "5x" is not like 30m, 2h, 1h30m or 1d');
    expect((await send(alice, 'silence', { matchers: 'env=~(', duration: '1h' })).text).toContain('is not a valid regular expression');
    expect(added.length).toBe(before);
  });
});

describe('commands over operations', () => {
  it('/ack answers in public once and privately the second time', async () => {
    const id = await fire('cpu hot');
    expect(await send(alice, 'ack', { alert: `#${id}` })).toEqual({ text: `Alert #${id} acknowledged by @alice. Escalation stopped (5 pending steps).`, private: false });
    expect(await send(olga, 'ack', { alert: String(id) })).toEqual({ text: `Alert #${id} is already acknowledged by @alice.`, private: true });
  });

  it('/silence holds what it matches, /silences lists it, /unsilence ends it', async () => {
    const silenced = await send(alice, 'silence', { matchers: 'service=cache', duration: '1h', reason: 'maintenance' });
    const silenceId = /#(\d+)/.exec(silenced.text)?.[1];
    expect(silenceId).toBeDefined();
    expect((await send(victor, 'silences')).text).toContain(`#${silenceId}`);
    expect((await send(alice, 'unsilence', { silence: silenceId! })).private).toBe(false);
    expect((await send(alice, 'unsilence', { silence: silenceId! })).text).toContain(`No active silence #${silenceId}`);
  });

  it('/status shows a firing CRIT with its service', async () => {
    const id = await fire('payments failing', 'payments');
    const { text } = await send(victor, 'status');
    expect(text).toContain('opsbot status');
    expect(text).toContain(`#${id} 🔴 CRIT payments failing (payments)`);
  });
});
