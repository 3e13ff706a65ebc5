import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { runCliWithEnv } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

let bot: TestBot;
let cacheService: Server;
let flushes = 0;

beforeAll(async () => {
  cacheService = createServer((req, res) => {
    if (req.url === '/flush') flushes++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => cacheService.listen(0, '127.0.0.1', resolve));
  const port = (cacheService.address() as AddressInfo).port;
  bot = await startTestBot({
    yaml: `
escalation: { bySeverity: {} }
services:
  - name: cache
    role: shared cache
    owner: team-platform
    actions:
      flush: { http: { url: "http://127.0.0.1:${port}/flush" } }
    heal: { cooldown: 1s }
triggers:
  - { name: slow_tasks, metric: task.duration_s, kind: threshold, op: ">=", value: 60, groupBy: [task], severity: WARN, cooldown: 1h, title: "Slow task {labels.task}: {detail}" }
  - name: queue_growing
    metric: queue.depth
    kind: rate
    as: count
    window: 10m
    op: ">="
    value: 100
    severity: CRIT
    cooldown: 1s
    heal: { service: cache, action: flush }
`,
  });
});

afterAll(async () => {
  await bot?.destroy();
  cacheService?.close();
});

const triggerAlerts = async (rule: string) =>
  ((await bot.get('/api/v1/alerts?limit=200')).body.alerts as Array<{ id: number; title: string; status: string; count: number; labels: Record<string, string> }>).filter(
    (a) => a.labels.trigger === rule,
  );

describe('threshold triggers end to end', () => {
  it('fires once per breach, stays quiet while it lasts, resolves when it ends, and respects the cooldown', async () => {
    const slow = await bot.post('/api/v1/metrics', { tasks: [{ task: 'build', durationMs: 75_000 }] });
    expect(slow.status).toBe(202);
    expect(slow.body.fired).toEqual([{ rule: 'slow_tasks', series: 'task=build', detail: expect.stringContaining('75'), did: expect.stringMatching(/^raised alert #\d+$/) }]);
    const still = await bot.post('/api/v1/metrics', { tasks: [{ task: 'build', durationMs: 90_000 }] });
    expect(still.body.fired).toEqual([]);
    let alerts = await triggerAlerts('slow_tasks');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'firing', title: expect.stringMatching(/^Slow task build: /) });

    await bot.post('/api/v1/metrics', { tasks: [{ task: 'build', durationMs: 20_000 }] });
    alerts = await triggerAlerts('slow_tasks');
    expect(alerts[0]!.status).toBe('resolved');

    const again = await bot.post('/api/v1/metrics', { tasks: [{ task: 'build', durationMs: 80_000 }] });
    expect(again.body.fired).toEqual([]);
    expect(await triggerAlerts('slow_tasks')).toHaveLength(1);

    const other = await bot.post('/api/v1/metrics', { tasks: [{ task: 'deploy', durationMs: 61_000 }] });
    expect(other.body.fired).toEqual([{ rule: 'slow_tasks', series: 'task=deploy', detail: expect.any(String), did: expect.stringMatching(/^raised alert #\d+$/) }]);
  });

  it('a rate rule fires with its heal action, and the run is recorded as triggered by the rule', async () => {
    const res = await bot.post('/api/v1/metrics', { metrics: [{ name: 'queue.depth', value: 60 }, { name: 'queue.depth', value: 50 }] });
    expect(res.body.fired).toEqual([{ rule: 'queue_growing', series: '', detail: expect.stringContaining('110'), did: expect.stringMatching(/^raised alert #\d+; started heal run #\d+ \(/) }]);
    const run = await waitUntil('the heal run', async () => {
      const runs = (await bot.get('/api/v1/heal-runs?service=cache')).body.runs as Array<Record<string, unknown>>;
      return runs.find((r) => r.state === 'succeeded');
    });
    expect(run).toMatchObject({ action: 'flush', trigger: 'rule', triggeredBy: 'trigger queue_growing' });
    expect(flushes).toBe(1);
    const [alert] = await triggerAlerts('queue_growing');
    expect(alert).toMatchObject({ status: 'firing' });
  });

  it('lists rules with their last value and last fire', async () => {
    const list = await bot.get('/api/v1/triggers');
    const slow = list.body.triggers.find((t: { name: string }) => t.name === 'slow_tasks');
    expect(slow.rule).toContain('task.duration_s');
    expect(slow.series.find((s: { key: string }) => s.key === 'task=build')).toMatchObject({ lastValue: 80, breached: false });
    expect(slow.lastFire).toMatchObject({ series: 'task=deploy' });
    expect(list.body.fires.length).toBe(3);
  });

  it('refuses a bad batch naming the field', async () => {
    const res = await bot.post('/api/v1/metrics', { tasks: [{ task: 'x', durationMs: 'slow' }], metrics: [{ name: 'a', value: 1, unit: 's' }] });
    expect(res.status).toBe(400);
    const fields = res.body.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['tasks[0].durationMs', 'metrics[0]']));
  });

  it('opsbot triggers prints them, and says clearly when the token is wrong or the bot unreachable', async () => {
    const cli = (env: Record<string, string>) => runCliWithEnv(['triggers'], env);
    const ok = await cli({ OPSBOT_URL: bot.url, API_TOKEN: TEST_API_TOKEN });
    expect(ok.stdout).toContain('slow_tasks [WARN] task.duration_s');
    expect(ok.stdout).toContain('task=deploy: 61 BREACHED');
    expect(await cli({ OPSBOT_URL: bot.url, API_TOKEN: 'wrong' })).toMatchObject({ code: 2, stderr: expect.stringContaining('refused the API token') });
    expect(await cli({ OPSBOT_URL: 'http://127.0.0.1:9', API_TOKEN: 'x' })).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot reach opsbot at http://127.0.0.1:9') });
  });
});
