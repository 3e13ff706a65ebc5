import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { runCli } from './helpers/cli.js';

describe('opsbot check and POST /api/v1/check', () => {
  let bot: TestBot;
  let web: Server;
  let healthy = true;
  beforeAll(async () => {
    web = createServer((_req, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end(healthy ? 'ok' : 'database connection lost');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const yaml = `
services:
  - name: web
    role: storefront
    owner: team-web
    probe: { http: { url: "http://127.0.0.1:${(web.address() as AddressInfo).port}/health" }, interval: 1h, failuresBeforeUnhealthy: 1 }
heartbeats: [{ name: nightly, period: 1h, grace: 1h }]
triggers:
  - { name: queue_deep, kind: threshold, metric: queue.depth, op: ">", value: 100, severity: WARN }
`;
    bot = await startTestBot({ yaml });
  });
  afterAll(async () => {
    await bot?.destroy();
    await new Promise((resolve) => web?.close(resolve));
  });

  const check = async (...args: string[]) => {
    const { code, stdout } = await runCli(bot.url, ['check', ...args], { USER: 'cron' });
    return { code, stdout };
  };

  it('healthy: exit 0; a failing probe or a breached trigger: exit 1, each named; audited', async () => {
    const fine = await check();
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('Check: all healthy (1 service, 1 heartbeat; no trigger fired)\n');
    expect(fine.stdout).toMatch(/✓\s+service web\s+HTTP 200/);
    expect(fine.stdout).toMatch(/✓\s+heartbeat nightly\s+waiting/);

    healthy = false;
    const failing = await check();
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('Check: 1 problem (1 service, 1 heartbeat checked).\n✗ web: HTTP 503');

    healthy = true;
    await bot.post('/api/v1/metrics', { metrics: [{ name: 'queue.depth', value: 500 }] });
    const breached = await check('--json');
    expect(breached.code).toBe(1);
    const result = JSON.parse(breached.stdout);
    expect(result).toMatchObject({ healthy: false, services: [{ name: 'web', ok: true }], heartbeats: [{ name: 'nightly', ok: true, state: 'waiting' }], breached: ['queue_deep'] });
    expect(result.message).toContain('✗ trigger queue_deep stays breached');

    const audit = (await bot.get('/api/v1/audit?command=check')).body.entries;
    expect(audit[0]).toMatchObject({ via: 'api', userName: 'cron', result: 'ok' });
  });
});
