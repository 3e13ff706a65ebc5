import { beforeAll, describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { runCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

const GROUP = '-300';
const VIEWER = { id: 2002, is_bot: false, first_name: 'Vera', username: 'vera' };

const world = useBotWithFakes(`
routes:
  - { name: crit-only, match: { minSeverity: CRIT }, telegram: ["${GROUP}"] }
`);
let critIds: number[];

/** Eleven CRITs on their escalation ladders, then a storm of 1,200 newer WARNs that go nowhere. */
beforeAll(async () => {
  await waitUntil('Telegram long polling', () => world.fakes.telegram.calls.some((c) => c.method === 'getUpdates'));
  const crits = await world.bot.post('/api/v1/alerts', Array.from({ length: 11 }, (_, i) => ({ severity: 'CRIT', title: `db shard ${i} down`, service: 'db' })));
  critIds = crits.body.alerts.map((a: { id: number }) => a.id);
  for (let batch = 0; batch < 2; batch++) {
    const warns = Array.from({ length: 600 }, (_, i) => ({ severity: 'WARN', title: `disk filling ${batch}-${i}`, service: 'disks', dedupKey: `disk-${batch}-${i}` }));
    expect((await world.bot.post('/api/v1/alerts', warns)).status).toBe(202);
  }
});

describe('status in a storm of 1,200 WARNs', () => {
  it('the API lists the CRITs first and counts every firing alert and open escalation', async () => {
    const { body } = await world.bot.get('/api/v1/status');
    expect(body.firing.counts).toMatchObject({ CRIT: 11, WARN: 1200 });
    expect(body.firing.total).toBe(1211);
    expect(body.firing.alerts).toHaveLength(50);
    expect(body.firing.alerts.slice(0, 11).map((a: { id: number }) => a.id).sort((a: number, b: number) => a - b)).toEqual(critIds);
    expect(body.escalations.total).toBe(11);
    expect(body.escalations.open.map((e: { alertId: number }) => e.alertId).sort((a: number, b: number) => a - b)).toEqual(critIds);
    expect(body.escalations.open[0]).toMatchObject({ severity: 'CRIT', nextLevel: expect.any(Number) });
  });

  it('/status in chat shows the CRITs and their escalations, and says how many more there are', async () => {
    const before = world.fakes.telegram.inChat(GROUP).length;
    world.fakes.telegram.pushText(GROUP, '/status', VIEWER);
    const reply = await waitUntil('the /status answer', () =>
      world.fakes.telegram.inChat(GROUP).slice(before).find((m) => m.text.includes('opsbot status')),
    );
    expect(reply.text).toMatch(/Firing: 🔴 CRIT 11 · 🟠 WARN 1200 · 🔵 INFO 0/);
    for (const id of critIds.slice(-10)) expect(reply.text).toContain(`#${id} 🔴 CRIT db shard`);
    expect(reply.text).not.toContain('disk filling');
    expect(reply.text).toContain('…and 1201 more firing');
    expect(reply.text).toContain('Escalations open: 11');
    expect(reply.text).toContain('…and 1 more escalations');
  });

  it('opsbot status prints the CRITs and ends each cut list with how many more', async () => {
    const { stdout, code } = await runCli(world.bot.url, ['status']);
    expect(code).toBe(0);
    expect(stdout).toContain('Firing: CRIT 11 · WARN 1200 · INFO 0');
    expect(stdout).toContain('…and 1191 more firing (opsbot alerts --status firing lists them all)');
    expect(stdout).toContain('Escalations open: 11');
    for (const id of critIds) expect(stdout).toMatch(new RegExp(`^${id}\\s+CRIT\\s+db\\s`, 'm'));
    expect(stdout).not.toContain('…and 0 more');
  });
});
