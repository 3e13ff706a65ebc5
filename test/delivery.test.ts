import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - name: db
    match: { service: postgres }
    discord: ["100"]
    telegram: ["-200"]
  - name: api
    match: { service: api }
    telegram: ["201"]
defaultRoute:
  discord: ["100"]
delivery:
  maxAttempts: 3
  backoffMs: 50
  backoffMaxMs: 200
  requestTimeoutMs: 2000
pacing:
  discordChannel: { intervalMs: 10, burst: 50 }
  telegramPrivate: { intervalMs: 10, burst: 50 }
  telegramGroup: { intervalMs: 10, burst: 50 }
`;

/** Posted by the accepting process right after the commit (the default), or every one through the deliver queue. */
const PATHS = [
  { path: 'posted right after intake', yaml: YAML, viaQueue: false },
  { path: 'posted by the deliver queue (delivery.directPosts: 0)', yaml: YAML.replace('delivery:\n', 'delivery:\n  directPosts: 0\n'), viaQueue: true },
];

describe.each(PATHS)('delivery to Discord and Telegram through the real clients, $path', ({ yaml, viaQueue }) => {
  const world = useBotWithFakes(yaml);
  afterEach(() => {
    world.fakes.discord.reset();
    world.fakes.telegram.reset();
  });

  const post = async (alert: Record<string, unknown>) => {
    const res = await world.bot.post('/api/v1/alerts', alert);
    expect(res.status).toBe(202);
    return res.body.alerts[0].id as number;
  };
  const detail = async (id: number) => (await world.bot.get(`/api/v1/alerts/${id}`)).body;
  const waitForStates = (id: number, states: string[]) =>
    waitUntil(`alert #${id} deliveries ${states.join(',')}`, async () => {
      const d = await detail(id);
      const now = d.deliveries.map((x: any) => x.state);
      return JSON.stringify(now) === JSON.stringify(states) ? d : undefined;
    });

  it('shows a CRIT alert in the routed Discord channel and Telegram chat, with the message ids stored', async () => {
    const id = await post({ severity: 'CRIT', title: 'Postgres primary down', service: 'postgres', body: 'no connections' });
    const discordMessage = await world.fakes.discord.waitFor(() => world.fakes.discord.inChannel('100')[0]);
    const telegramMessage = await world.fakes.telegram.waitFor(() => world.fakes.telegram.inChat('-200')[0]);
    expect(discordMessage.embeds[0].title).toContain('Postgres primary down');
    expect(discordMessage.embeds[0].title).toContain('CRIT');
    expect(discordMessage.allowedMentions).toEqual({ parse: [] });
    expect(telegramMessage.text).toContain('CRIT');
    expect(telegramMessage.text).toContain('Postgres primary down');
    expect(telegramMessage.text).toContain(`alert #${id}`);

    const d = await waitForStates(id, ['sent', 'sent']);
    expect(d.deliveries.map((x: any) => x.messageId)).toEqual([discordMessage.id, String(telegramMessage.messageId)]);
    expect(world.fakes.telegram.inChat('201')).toHaveLength(0);
    const jobs = await completedDeliverJobs(world.bot.prefix);
    for (const delivery of d.deliveries) expect(jobs.has(`d${delivery.id}-r1`)).toBe(viaQueue);
  });

  it('edits the existing messages on a dedup bump and on resolution, then posts a short reply', async () => {
    const alert = { severity: 'WARN', title: 'Replication lag', service: 'postgres', dedupKey: 'lag-db1' };
    const id = await post(alert);
    await waitForStates(id, ['sent', 'sent']);
    await post(alert);
    await world.fakes.telegram.waitFor(() => world.fakes.telegram.inChat('-200')[0]?.text.includes('Count: 2×'));
    await world.fakes.discord.waitFor(() => JSON.stringify(world.fakes.discord.inChannel('100')[0]?.embeds).includes('2'));
    expect(world.fakes.telegram.inChat('-200')).toHaveLength(1);
    expect(world.fakes.discord.inChannel('100')).toHaveLength(1);

    await post({ ...alert, status: 'resolved' });
    const reply = await world.fakes.telegram.waitFor(() => world.fakes.telegram.inChat('-200')[1]);
    expect(reply.text).toContain('Resolved');
    expect(reply.replyToMessageId).toBe(world.fakes.telegram.inChat('-200')[0]!.messageId);
    expect(world.fakes.telegram.inChat('-200')[0]!.text).toContain('RESOLVED');
    const discordReply = await world.fakes.discord.waitFor(() => world.fakes.discord.inChannel('100')[1]);
    expect(discordReply.messageReference?.message_id).toBe(world.fakes.discord.inChannel('100')[0]!.id);
    expect(discordReply.content).toContain('Resolved');
  });

  it('keeps hostile text inside the platform limits: never refused, never pings', async () => {
    const hostile = '<b>&'.repeat(2_500) + '**bold** __u__ `code` ||spoiler|| @everyone <@123>';
    const id = await post({ severity: 'CRIT', title: `@everyone ${'<i>'.repeat(200)}`, service: 'postgres', body: hostile });
    const d = await waitForStates(id, ['sent', 'sent']);
    expect(d.deliveries.every((x: any) => x.lastError === null)).toBe(true);
    const tg = world.fakes.telegram.inChat('-200')[0]!;
    expect(tg.text.length).toBeLessThanOrEqual(4096);
    expect(tg.text).toContain('<b>&<b>&');
    expect(tg.text).toContain('(truncated)');
    const dc = world.fakes.discord.inChannel('100')[0]!;
    expect(dc.allowedMentions).toEqual({ parse: [] });
  });

  it('waits out 429s without counting them as failed attempts', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '429', retryAfter: 1 }, 2);
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '429', retryAfter: 0.5 }, 2);
    const id = await post({ severity: 'CRIT', title: 'rate limited', service: 'postgres' });
    const d = await waitForStates(id, ['sent', 'sent']);
    expect(d.deliveries.map((x: any) => x.attempts)).toEqual([0, 0]);
    expect(world.fakes.telegram.inChat('-200')).toHaveLength(1);
    expect(world.fakes.discord.inChannel('100')).toHaveLength(1);
  });

  it('rides out a 429 storm on one chat: every alert arrives exactly once and no attempt is counted', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '429', retryAfter: 1 }, 6);
    const res = await world.bot.post(
      '/api/v1/alerts',
      Array.from({ length: 10 }, (_, i) => ({ severity: 'WARN', title: `storm ${i}`, service: 'api' })),
    );
    const ids: number[] = res.body.alerts.map((a: any) => a.id);
    const delivered = await waitUntil('every storm alert delivered', async () => {
      const details = await Promise.all(ids.map(detail));
      const done = details.every((d) => {
        const [delivery] = d.deliveries;
        return delivery.state === 'sent' || (delivery.state === 'summarized' && delivery.summary.state === 'sent');
      });
      return done ? details : undefined;
      // Six 429s of a second each and the chat's pace take about 6 s alone; a loaded machine needs more.
    }, 30_000);
    expect(delivered.map((d) => d.deliveries[0].attempts)).toEqual(ids.map(() => 0));
    const ownMessages = world.fakes.telegram.inChat('201').filter((m) => !m.text.includes('Storm summary'));
    const summaries = world.fakes.telegram.inChat('201').filter((m) => m.text.includes('Storm summary'));
    const summarizedIds = delivered.filter((d) => d.deliveries[0].state === 'summarized').map((d) => d.id);
    const ownIds = ownMessages.map((m) => Number(/alert #(\d+)/.exec(m.text)![1]));
    expect([...ownIds, ...summarizedIds].sort((a, b) => a - b)).toEqual(ids);
    expect(summaries.length).toBe(new Set(delivered.map((d) => d.deliveries[0].summary?.id).filter(Boolean)).size);
    expect(world.fakes.telegram.calls.filter((c) => c.status === 429)).toHaveLength(6);
  });

  it('retries through a 5xx outage with back-off and delivers once it recovers', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 2);
    world.fakes.discord.script('POST /channels/:id/messages', { kind: '5xx', status: 503 }, 2);
    const id = await post({ severity: 'CRIT', title: 'outage', service: 'postgres' });
    const d = await waitForStates(id, ['sent', 'sent']);
    expect(d.deliveries.map((x: any) => x.attempts)).toEqual([2, 2]);
    expect(world.fakes.telegram.inChat('-200')).toHaveLength(1);
    expect(world.fakes.discord.inChannel('100')).toHaveLength(1);
  });

  it('marks a delivery failed after the last attempt without holding up the other destination', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 10);
    const id = await post({ severity: 'CRIT', title: 'telegram keeps failing', service: 'postgres' });
    const d = await waitForStates(id, ['sent', 'failed']);
    expect(d.deliveries[1]).toMatchObject({ attempts: 3, state: 'failed' });
    expect(d.deliveries[1].lastError).toMatch(/502.*after 3 attempts/);
    expect(world.fakes.discord.inChannel('100')).toHaveLength(1);
  });

  it('fails at once with the platform reason when the chat can never accept it', async () => {
    world.fakes.telegram.rejectChat('-200', 400, 'Bad Request: chat not found');
    world.fakes.discord.rejectChannel('100', 403, 50001, 'Missing Access');
    const id = await post({ severity: 'CRIT', title: 'nowhere to go', service: 'postgres' });
    const d = await waitForStates(id, ['failed', 'failed']);
    expect(d.deliveries[0].lastError).toMatch(/Missing Access/);
    expect(d.deliveries[1].lastError).toMatch(/chat not found/);
    expect(d.deliveries.map((x: any) => x.attempts)).toEqual([0, 0]);
  });

  it('gives up on a hanging request after the timeout and retries it', async () => {
    world.fakes.telegram.script('sendMessage', { kind: 'hang' }, 1);
    const id = await post({ severity: 'INFO', title: 'slow network', service: 'api' });
    const d = await waitForStates(id, ['sent']);
    expect(d.deliveries[0].attempts).toBe(1);
    expect(world.fakes.telegram.inChat('201')).toHaveLength(1);
  });
});

/** Ids of the deliver jobs BullMQ reports completed, from the platform queues' event streams (jobs themselves are removed). */
async function completedDeliverJobs(prefix: string): Promise<Set<string>> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const streams = ['discord', 'telegram'].map((platform) => redis.xrange(`${prefix}:deliver-${platform}:events`, '-', '+'));
    const entries = (await Promise.all(streams)).flat();
    const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1];
    return new Set(entries.filter(([, fields]) => field(fields, 'event') === 'completed').map(([, fields]) => field(fields, 'jobId')!));
  } finally {
    redis.disconnect();
  }
}
