import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createDeliverQueue } from '../jobs/deliver.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - name: storm
    match: { service: storm }
    telegram: ["-400"]
  - name: all
    match: {}
    telegram: ["300"]
pacing:
  telegramGroup: { intervalMs: 1000, burst: 2 }
  telegramGlobal: { perSecond: 1000, burst: 100 }
delivery:
  requestTimeoutMs: 1500
  backoffMs: 50
  backoffMaxMs: 100
`;

describe('claim lease on a delivery being posted', () => {
  let fakes: Fakes;
  let bot: TestBot;
  let redis: Redis;
  beforeAll(async () => {
    fakes = await startFakes();
    bot = await startTestBot({ yaml: YAML, telegramApiRoot: fakes.telegram.apiRoot });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await bot.destroy();
    await fakes.close();
    redis.disconnect();
  });

  it('a second run of the delivery while its post is in flight does not post it again', async () => {
    fakes.telegram.script('sendMessage', { kind: 'hang' }, 1);
    const res = await bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'posted once', service: 'db' });
    expect(res.status).toBe(202);
    const sends = () => fakes.telegram.calls.filter((c) => c.method === 'sendMessage');
    await waitUntil('the first post hanging at the platform', () => sends().length === 1);

    const deliveryId = (await bot.get(`/api/v1/alerts/${res.body.alerts[0].id}`)).body.deliveries[0].id as number;
    const queue = createDeliverQueue(redis, bot.prefix, 'telegram');
    try {
      const second = await queue.add('delivery', { kind: 'delivery', deliveryId }, { jobId: `second-run-${deliveryId}` });
      await waitUntil('the second run to back off', async () => (await second.getState()) === 'delayed');
      expect(sends()).toHaveLength(1);

      await waitUntil('the alert in the chat after the hanging post timed out', () => fakes.telegram.inChat('300').length === 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.telegram.inChat('300')).toHaveLength(1);
      expect(sends()).toHaveLength(2);
      const delivery = (await bot.get(`/api/v1/alerts/${res.body.alerts[0].id}`)).body.deliveries[0];
      expect(delivery).toMatchObject({ state: 'sent', attempts: 1 });
    } finally {
      await queue.close();
    }
  });

  it('a second run of a storm summary while its post is in flight does not post it again', async () => {
    fakes.telegram.reset();
    fakes.telegram.script('sendMessage', { kind: 'hang' }, 1);
    const res = await bot.post(
      '/api/v1/alerts',
      Array.from({ length: 5 }, (_, i) => ({ severity: 'WARN', title: `storm ${i}`, service: 'storm' })),
    );
    expect(res.status).toBe(202);
    const sends = () => fakes.telegram.calls.filter((c) => c.method === 'sendMessage');
    await waitUntil('the summary post hanging at the platform', () => sends().length === 1);

    const summaryId = (await bot.get(`/api/v1/alerts/${res.body.alerts[0].id}`)).body.deliveries[0].summary.id as number;
    const queue = createDeliverQueue(redis, bot.prefix, 'telegram');
    try {
      const second = await queue.add('summary', { kind: 'summary', summaryId }, { jobId: `second-run-s${summaryId}` });
      await waitUntil('the second run to back off', async () => (await second.getState()) === 'delayed');
      expect(sends()).toHaveLength(1);

      await waitUntil('the summary in the chat after the hanging post timed out', () => fakes.telegram.inChat('-400').length === 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.telegram.inChat('-400')).toHaveLength(1);
      expect(fakes.telegram.inChat('-400')[0]!.text).toContain('Storm summary · 5 alerts');
    } finally {
      await queue.close();
    }
  });
});
