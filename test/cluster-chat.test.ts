import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './helpers/postgres.js';
import { uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { statusAnswer } from './helpers/status-command.js';
import { beat } from '../src/cluster/instances.js';
import { openPostgresStore } from '../src/db/postgres-store.js';

const CHANNEL = '100';

/** Two instances on one PostgreSQL store and one Redis, with both fakes: chat sessions follow the leader. */
describe('chat on the leader of two instances', () => {
  let fakes: Fakes;
  let database: ThrowawayDatabase;
  const bots: Record<'a' | 'b', TestBot | undefined> = { a: undefined, b: undefined };
  const prefix = uniquePrefix('cluster-chat');

  const start = (instance: 'a' | 'b') =>
    startTestBot({
      yaml: `defaultRoute: { discord: ["${CHANNEL}"] }\naccess: { discord: { users: { "501": responder } } }\n`,
      discordApiUrl: fakes.discord.apiUrl,
      telegramApiRoot: fakes.telegram.apiRoot,
      prefix,
      env: { DATABASE_URL: database.url, OPSBOT_INSTANCE: `instance-${instance}` },
    });

  beforeAll(async () => {
    fakes = await startFakes();
    database = await createThrowawayDatabase('cluster_chat');
    bots.a = await start('a');
    bots.b = await start('b');
  });

  afterAll(async () => {
    await bots.b?.destroy();
    await bots.a?.destroy();
    await fakes?.close();
    await database?.drop();
  });

  it('only the leader holds a Discord Gateway session; both report the same leader', async () => {
    await waitUntil('one Gateway session', () => fakes.discord.gatewaySessions === 1);
    const seenByA = (await bots.a!.get('/api/v1/cluster')).body;
    const seenByB = (await bots.b!.get('/api/v1/cluster')).body;
    expect(seenByA.leader.name).toBe('instance-a');
    expect(seenByB.leader.name).toBe('instance-a');
    expect(seenByB.instances.map((i: { name: string }) => i.name).sort()).toEqual(['instance-a', 'instance-b']);
    expect(fakes.discord.gatewaySessions).toBe(1);
    expect(await statusAnswer(fakes.discord, CHANNEL)).toContain('opsbot status');
  });

  it('when the leader stops, the other instance takes the Gateway session and answers commands', async () => {
    await bots.a!.stop();
    bots.a = undefined;
    await waitUntil('instance-b leads', async () => (await bots.b!.get('/api/v1/cluster')).body.leader?.name === 'instance-b', 10_000);
    await waitUntil('a Gateway session of instance-b', () => fakes.discord.gatewaySessions === 1, 10_000);
    expect(await statusAnswer(fakes.discord, CHANNEL)).toContain('opsbot status');
  });

  it('the leader reports an instance that stopped beating as lost, and back when it beats; one that stopped cleanly is not lost', async () => {
    const other = await openPostgresStore(database.url);
    const ghost = { name: 'instance-ghost', host: 'gone.example', pid: 4242, startedAt: new Date(Date.now() - 3_600_000), version: '0.1.0' };
    try {
      await beat(other, ghost, new Date(Date.now() - 60_000));
      const firing = async () => (await bots.b!.get('/api/v1/alerts?status=firing&service=opsbot')).body.alerts as Array<{ title: string; severity: string }>;
      const lost = await waitUntil('the lost instance reported', async () => (await firing()).find((a) => a.title === 'opsbot instance instance-ghost is lost'), 15_000);
      expect(lost.severity).toBe('WARN');
      expect((await firing()).map((a) => a.title)).not.toContain('opsbot instance instance-a is lost');
      await beat(other, ghost);
      await waitUntil('the instance reported back', async () => (await firing()).every((a) => a.title !== 'opsbot instance instance-ghost is lost'), 15_000);
    } finally {
      await other.close();
    }
  });
});
