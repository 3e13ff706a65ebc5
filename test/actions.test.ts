import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { runCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
services:
  - name: worker
    role: mail sender
    owner: team-mail
    command: ["sleep", "600"]
    actions:
      flush: { command: ["true"] }
      deploy:
        steps: [{ command: ["true"] }, { restart: true }]
        rollback: [{ command: ["true"] }]
triggers:
  - name: queue_deep
    kind: threshold
    metric: queue.depth
    op: ">"
    value: 100
    severity: WARN
    heal: { service: worker, action: flush }
`;

describe('opsbot actions', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ yaml: YAML });
  });
  afterAll(async () => {
    await bot?.destroy();
  });

  it('lists every heal action and trigger alert with who uses it and how its runs went over 7 days', async () => {
    const fired = await bot.post('/api/v1/metrics', { metrics: [{ name: 'queue.depth', value: 500 }] });
    expect(fired.body.fired).toHaveLength(1);
    await waitUntil('the heal the trigger started has finished', async () => (await bot.get('/api/v1/heal-runs?service=worker')).body.runs[0]?.state === 'succeeded');

    const { code, stdout } = await runCli(bot.url, ['actions', '--json']);
    expect(code).toBe(0);
    const byName = Object.fromEntries((JSON.parse(stdout).actions as Array<{ name: string; lastRun: { outcome: string } | null }>).map((a) => [a.name, a]));
    expect(byName['worker/restart']).toMatchObject({ kind: 'restart (built in)', usedBy: ['service worker (by hand)'], runs: 0, successRate: null, lastRun: null });
    expect(byName['worker/flush']).toMatchObject({ kind: 'command', usedBy: ['service worker (by hand)', 'trigger queue_deep'], runs: 1, successRate: 1, lastRun: { outcome: 'healed' } });
    expect(byName['worker/deploy']).toMatchObject({ kind: 'steps (2) + rollback (1)', runs: 0 });
    expect(byName['alert:queue_deep']).toMatchObject({ kind: 'alert WARN + heal worker/flush', usedBy: ['trigger queue_deep (threshold on queue.depth)'], runs: 1 });
    expect(byName['alert:queue_deep']?.lastRun?.outcome).toMatch(/^fired: /);

    const { code: tableCode, stdout: table } = await runCli(bot.url, ['actions']);
    expect(tableCode).toBe(0);
    expect(table).toMatch(/worker\/flush\s+command\s+service worker \(by hand\); trigger queue_deep\s+1\s+100 %/);
  });
});
