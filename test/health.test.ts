import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, longestCycleGapMs } from '../src/http/health.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { runCli } from './helpers/cli.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { freePort } from './helpers/net.js';
import { freshStore, type FreshStore } from './helpers/stores.js';

const cli = (url: string, ...args: string[]) => runCli(url, args);

describe('opsbot status --health', () => {
  let fakes: Fakes;
  let healthy: TestBot;
  let cut: TestBot;
  beforeAll(async () => {
    fakes = await startFakes();
    healthy = await startTestBot({ telegramApiRoot: fakes.telegram.apiRoot });
    cut = await startTestBot({ telegramApiRoot: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await Promise.all([healthy?.destroy(), cut?.destroy()]);
    await fakes?.close();
  });

  it('a healthy bot: each part ok, exit 0', async () => {
    const { body } = await healthy.get('/api/v1/health');
    expect(body.state).toBe('ok');
    expect(Object.fromEntries(body.checks.map((c: { part: string; detail: string }) => [c.part, c.detail]))).toMatchObject({
      store: 'SQLite writes',
      redis: 'Redis answers',
      queues: expect.stringMatching(/^deliver \d+ · escalate \d+$/),
      'telegram chat': 'connected',
      'discord chat': 'no token',
      'ops cycle': 'none since the start',
    });
    const printed = await cli(healthy.url, 'status', '--health');
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain('opsbot is ok');
    expect(printed.stdout).toMatch(/telegram chat\s+ok\s+connected/);
  });

  it('a chat platform it cannot reach: degraded, named, exit 1', async () => {
    const printed = await cli(cut.url, 'status', '--health', '--json');
    expect(printed.code).toBe(1);
    const health = JSON.parse(printed.stdout);
    expect(health.state).toBe('degraded');
    expect(health.checks).toContainEqual({ part: 'telegram chat', state: 'degraded', detail: expect.stringContaining('not connected') });
  });
});

describe('the health checks themselves', () => {
  let fresh: FreshStore;
  beforeAll(async () => {
    fresh = await freshStore('sqlite', 'health');
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  it('a Redis that does not answer is down; a missed ops cycle is degraded', async () => {
    const redis = new Redis({ port: await freePort(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const now = new Date('2026-12-05T12:00:00.000Z');
    try {
      const health = await checkHealth(
        {
          store: fresh.store,
          redis,
          backlog: async () => ({ deliver: 0, escalate: 0 }),
          chat: () => ({ discord: 'on the leader', telegram: 'no token' }),
          lastOpsCycle: async () => ({ name: '2026-12-04-0900', at: new Date('2026-12-04T09:00:00.000Z') }),
          cycleTimes: ['09:00', '21:00'],
          startedAt: new Date('2026-12-01T00:00:00.000Z'),
        },
        now,
      );
      expect(health.state).toBe('down');
      expect(health.checks.find((c) => c.part === 'redis')).toMatchObject({ state: 'down', detail: expect.stringMatching(/^Redis: /) });
      expect(health.checks.find((c) => c.part === 'ops cycle')).toMatchObject({ state: 'degraded', detail: 'last 2026-12-04-0900, 1d3h ago: a cycle was missed (they run at 09:00, 21:00)' });
      expect(health.checks.find((c) => c.part === 'discord chat')).toMatchObject({ state: 'ok', detail: 'on the leader' });
    } finally {
      redis.disconnect();
    }
  });

  it('a cycle counts as missed after the longest gap between the configured times, around the clock', () => {
    expect(longestCycleGapMs(['09:00', '21:00'])).toBe(12 * 3_600_000);
    expect(longestCycleGapMs(['23:30', '00:30'])).toBe(23 * 3_600_000);
    expect(longestCycleGapMs(['09:00'])).toBe(24 * 3_600_000);
  });
});
