import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { createDeliverQueue } from '../jobs/deliver.js';
import { createEscalateQueue } from '../jobs/escalate.js';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { beat } from '../src/cluster/instances.js';
import { parseConfigText } from '../src/config/load.js';
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

/** A bot with its config `yaml` on the fake Telegram, and a Redis connection of the test's own to add jobs by hand. */
function useBotOnTelegram(yaml: string) {
  const world = {} as { fakes: Fakes; bot: TestBot; redis: Redis };
  beforeAll(async () => {
    world.fakes = await startFakes();
    world.bot = await startTestBot({ yaml, telegramApiRoot: world.fakes.telegram.apiRoot });
    world.redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await world.bot?.destroy();
    await world.fakes?.close();
    world.redis?.disconnect();
  });
  return world;
}

describe('claim lease on a delivery being posted', () => {
  const world = useBotOnTelegram(YAML);

  it('a second run of the delivery while its post is in flight does not post it again', async () => {
    const { fakes, bot, redis } = world;
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
    const { fakes, bot, redis } = world;
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

describe('a claim held by an instance on another host', () => {
  const yaml = `
routes:
  - { name: all, match: {}, telegram: ["301"] }
delivery: { requestTimeoutMs: 20000 }
`;
  const world = useBotOnTelegram(yaml);

  it('waits while that instance beats, and is taken over once the cluster counts it lost, long before the 60 s lease ends', async () => {
    const { fakes, bot, redis } = world;
    const store = bot.bot.store;
    const accepted = await new AlertAcceptor(store).accept(parseConfigText(yaml, 'claims.yaml'), [alertInputSchema.parse({ severity: 'CRIT', title: 'claimed elsewhere', service: 'db' })]);
    const alertId = accepted.results[0]!.id!;
    const deliveryId = accepted.work[0]!.deliveryId;
    const { deliveries } = store.t;
    await store.transaction((tx) => tx.update(deliveries).set({ state: 'sending', claimedBy: 'elsewhere.example/4242/0a0b0c0d', claimedAt: new Date() }).where(eq(deliveries.id, deliveryId)));
    const elsewhere = { name: 'ops-elsewhere', host: 'elsewhere.example', pid: 4242, startedAt: new Date(), version: '0.1.0' };
    await beat(store, elsewhere);

    const queue = createDeliverQueue(redis, bot.prefix, 'telegram');
    try {
      const job = await queue.add('delivery', { kind: 'delivery', deliveryId }, { jobId: `elsewhere-${deliveryId}` });
      await waitUntil('the job backing off behind the live claim', async () => (await job.getState()) === 'delayed');
      expect(fakes.telegram.inChat('301')).toEqual([]);

      await beat(store, elsewhere, new Date(Date.now() - 60_000));
      // (the leader also reports the instance lost, in the same chat)
      const posted = () => fakes.telegram.inChat('301').filter((m) => m.text.includes(`alert #${alertId}`));
      await waitUntil('the alert posted by this instance', () => posted().length === 1, 15_000);
      await waitUntil('the delivery stored as sent', async () => (await bot.get(`/api/v1/alerts/${alertId}`)).body.deliveries[0].state === 'sent');
    } finally {
      await queue.close();
    }
  });
});

describe('claim on an escalation step being notified', () => {
  const yaml = `
routes:
  - { name: all, match: {}, telegram: ["303"], escalation: ladder }
escalation:
  policies:
    ladder:
      levels:
        - { level: 1, after: 1s }
  bySeverity: {}
delivery: { requestTimeoutMs: 1500, backoffMs: 50, backoffMaxMs: 100 }
`;
  const world = useBotOnTelegram(yaml);

  it('a second run of the step while its notice is in flight does not notify again', async () => {
    const { fakes, bot, redis } = world;
    const res = await bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'escalated once', service: 'db' });
    const alertId = res.body.alerts[0].id as number;
    await waitUntil('the alert in the chat', () => fakes.telegram.inChat('303').length === 1);
    fakes.telegram.script('sendMessage', { kind: 'hang' }, 1);
    const isNotice = (text: unknown) => String(text).includes(`alert #${alertId} has not been acknowledged`);
    const noticeSends = () => fakes.telegram.calls.filter((c) => c.method === 'sendMessage' && isNotice(c.payload.text));
    await waitUntil('the L1 notice hanging at the platform', () => noticeSends().length === 1, 5_000);

    const stepId = (await bot.get(`/api/v1/alerts/${alertId}`)).body.escalation[0].id as number;
    const queue = createEscalateQueue(redis, bot.prefix);
    try {
      const second = await queue.add('step', { stepId }, { jobId: `second-run-e${stepId}` });
      await waitUntil('the second run to back off', async () => (await second.getState()) === 'delayed');
      expect(noticeSends()).toHaveLength(1);

      await waitUntil('the step done after the hanging notice timed out', async () => (await bot.get(`/api/v1/alerts/${alertId}`)).body.escalation[0].state === 'done', 10_000);
      await waitUntil('the second run finished', async () => ['completed', 'unknown'].includes(await second.getState()), 5_000);
      expect(fakes.telegram.inChat('303').filter((m) => isNotice(m.text))).toHaveLength(1);
      expect(noticeSends()).toHaveLength(2);
    } finally {
      await queue.close();
    }
  });
});
