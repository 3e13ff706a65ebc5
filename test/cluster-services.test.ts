import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { beat } from '../src/cluster/instances.js';
import { openPostgresStore } from '../src/db/postgres-store.js';
import { probeQueueOf } from '../jobs/probe.js';

/** Longer than a lost instance takes to be noticed (15 s) plus a beat of the watcher. */
const NOTICED_MS = 30_000;

/**
 * Two instances on one PostgreSQL store and one Redis, both configured with two services of
 * instance-a: `lonely` has no fallback, `shared` has instance-b as its fallback. Each service writes
 * which opsbot instance started it (OPSBOT_INSTANCE in its environment) and its pid to a file, and
 * its command probe writes which instance probed it.
 */
describe('services that belong to an instance', () => {
  let database: ThrowawayDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-cluster-services-'));
  const prefix = uniquePrefix('cluster-services');
  const bots: Record<'a' | 'b', TestBot | undefined> = { a: undefined, b: undefined };
  let dataDirA: string;

  const serviceScript = join(dir, 'service.cjs');
  const probeScript = join(dir, 'probe.cjs');
  writeFileSync(serviceScript, "require('node:fs').appendFileSync(process.argv[2], `${process.env.OPSBOT_INSTANCE} ${process.pid}\\n`);\nsetInterval(() => undefined, 1000);\n");
  writeFileSync(probeScript, "require('node:fs').appendFileSync(process.argv[2], `${process.env.OPSBOT_INSTANCE}\\n`);\n");
  const startsOf = (service: string) => join(dir, `${service}.starts`);
  const probesOf = (service: string) => join(dir, `${service}.probes`);

  const service = (name: string, keys: string) =>
    `  - name: ${name}\n    role: test service\n    owner: team\n    ${keys}\n    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(serviceScript)}, ${JSON.stringify(startsOf(name))}]\n    stopTimeout: 2s\n    probe: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(probeScript)}, ${JSON.stringify(probesOf(name))}], interval: 300ms }\n`;
  const yaml = `services:\n${service('lonely', 'instance: instance-a')}${service('shared', 'instance: instance-a\n    fallback: instance-b')}`;

  const start = (instance: 'a' | 'b', dataDir?: string) =>
    startTestBot({ yaml, prefix, ...(dataDir ? { dataDir } : {}), env: { DATABASE_URL: database.url, OPSBOT_INSTANCE: `instance-${instance}` } });

  /** Each start as [instance, pid], oldest first. */
  const starts = (name: string) =>
    existsSync(startsOf(name))
      ? readFileSync(startsOf(name), 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(' ') as [string, string])
          .map(([instance, pid]) => ({ instance, pid: Number(pid) }))
      : [];
  const probers = (name: string) => (existsSync(probesOf(name)) ? readFileSync(probesOf(name), 'utf8').trim().split('\n') : []);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** The services each instance's probe queue has a scheduler for. */
  const probeSchedules = async (instance: string) => {
    const queue = new Queue(probeQueueOf(instance), { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      return (await queue.getJobSchedulers()).map((s) => s.key).sort();
    } finally {
      await queue.close();
    }
  };
  const firing = async (bot: TestBot, service: string) =>
    (await bot.get(`/api/v1/alerts?status=firing&service=${service}`)).body.alerts as Array<{ title: string; severity: string; count: number }>;

  beforeAll(async () => {
    database = await createThrowawayDatabase('cluster_services');
    bots.a = await start('a');
    dataDirA = bots.a.dataDir;
    bots.b = await start('b');
  });

  afterAll(async () => {
    await bots.b?.destroy();
    await bots.a?.destroy();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('instance-a alone starts and probes its services; instance-b shows them from the store, marked with their instance', async () => {
    for (const name of ['lonely', 'shared']) {
      await waitUntil(`${name} started`, () => starts(name).length === 1);
      await waitUntil(`${name} probed three times`, () => probers(name).length >= 3);
    }
    expect(starts('lonely').map((s) => s.instance)).toEqual(['instance-a']);
    expect(starts('shared').map((s) => s.instance)).toEqual(['instance-a']);
    expect(new Set([...probers('lonely'), ...probers('shared')])).toEqual(new Set(['instance-a']));
    expect(await probeSchedules('instance-a')).toEqual(['probe-lonely', 'probe-shared']);
    expect(await probeSchedules('instance-b')).toEqual([]);
    const { services } = (await bots.b!.get('/api/v1/services')).body as { services: Array<{ name: string; instance: string; state: string; pid: number }> };
    expect(services.map((s) => [s.name, s.instance, s.state, s.pid])).toEqual([
      ['lonely', 'instance-a', 'running', starts('lonely')[0]!.pid],
      ['shared', 'instance-a', 'running', starts('shared')[0]!.pid],
    ]);
    expect(starts('lonely')).toHaveLength(1);
  });

  it('when instance-a is lost, the leader reports the service nobody runs once, and the fallback instance-b takes the other over', async () => {
    const [lonelyOnA] = starts('lonely');
    const [sharedOnA] = starts('shared');
    await bots.a!.stop();
    bots.a = undefined;
    expect(alive(lonelyOnA!.pid) || alive(sharedOnA!.pid)).toBe(false);
    const other = await openPostgresStore(database.url);
    try {
      await beat(other, { name: 'instance-a', host: 'gone.example', pid: 4242, startedAt: new Date(Date.now() - 3_600_000), version: '0.1.0' }, new Date(Date.now() - 60_000));
    } finally {
      await other.close();
    }

    const lonely = await waitUntil('lonely reported unsupervised', async () => (await firing(bots.b!, 'lonely')).find((a) => a.title.includes('not supervised')), NOTICED_MS);
    expect(lonely).toMatchObject({ title: 'service lonely is not supervised: its instance instance-a is lost', severity: 'CRIT' });
    expect(await bots.b!.post('/api/v1/services/lonely/heal', { action: 'restart' })).toMatchObject({
      status: 409,
      body: { error: 'lonely runs on opsbot instance instance-a, which is lost, with no fallback: nobody can heal it now.' },
    });

    const onB = await waitUntil('shared started by instance-b', () => starts('shared').find((s) => s.instance === 'instance-b'), NOTICED_MS);
    expect(alive(onB.pid)).toBe(true);
    const probesBefore = probers('shared').length;
    await waitUntil('shared probed by instance-b', () => probers('shared').slice(probesBefore).includes('instance-b'));
    expect((await firing(bots.b!, 'shared')).map((a) => [a.title, a.severity])).toEqual([['shared taken over by instance-b from lost instance-a', 'INFO']]);
    expect(starts('lonely')).toHaveLength(1);
    expect(await probeSchedules('instance-b')).toEqual(['probe-shared']);
    const { services } = (await bots.b!.get('/api/v1/services')).body as { services: Array<{ name: string; instance: string; takenOverBy: string | null; pid: number }> };
    expect(services.map((s) => [s.name, s.instance, s.takenOverBy, s.pid])).toEqual([
      ['lonely', 'instance-a', null, null],
      ['shared', 'instance-a', 'instance-b', onB.pid],
    ]);

    const dedup = (await firing(bots.b!, 'lonely')).filter((a) => a.title.includes('not supervised'));
    expect(dedup.map((a) => a.count)).toEqual([1]);
  });

  it('when instance-a is back, instance-b stops the service it took over before instance-a runs it again, and the alerts resolve', async () => {
    const onB = starts('shared').find((s) => s.instance === 'instance-b')!;
    bots.a = await start('a', dataDirA);
    await waitUntil('lonely started again by instance-a', () => starts('lonely').length === 2, NOTICED_MS);
    expect(starts('lonely')[1]!.instance).toBe('instance-a');
    const back = await waitUntil('shared started again by instance-a', () => starts('shared').at(-1)?.instance === 'instance-a' && starts('shared').at(-1), NOTICED_MS);
    expect(alive(onB.pid)).toBe(false);
    expect(alive(back.pid)).toBe(true);
    await waitUntil('the unsupervised alert resolved', async () => (await firing(bots.b!, 'lonely')).length === 0, NOTICED_MS);
    await waitUntil('the takeover alert resolved', async () => (await firing(bots.b!, 'shared')).length === 0, NOTICED_MS);
    const probesBefore = probers('shared').length;
    await waitUntil('shared probed three more times', () => probers('shared').length >= probesBefore + 3);
    expect(new Set(probers('shared').slice(probesBefore))).toEqual(new Set(['instance-a']));
    expect(await probeSchedules('instance-b')).toEqual([]);
  });

  it('the maintenance switch used on instance-b stops and starts the service on instance-a, which runs it', async () => {
    const running = starts('lonely').at(-1)!;
    expect((await bots.b!.post('/api/v1/services/lonely/disable', {})).status).toBe(200);
    await waitUntil('lonely stopped by instance-a', () => !alive(running.pid), NOTICED_MS);
    expect((await bots.b!.post('/api/v1/services/lonely/enable', {})).status).toBe(200);
    const again = await waitUntil('lonely started again by instance-a', () => starts('lonely').length === 3 && starts('lonely')[2], NOTICED_MS);
    expect(again.instance).toBe('instance-a');
    expect(alive(again.pid)).toBe(true);
  });
  it('a heal asked of instance-b for a service instance-a runs is handed to instance-a, which runs it there', async () => {
    const before = starts('lonely');
    const handed = await bots.b!.post('/api/v1/services/lonely/heal', { action: 'restart', by: 'alice' });
    expect(handed).toMatchObject({ status: 202, body: { forwardedTo: 'instance-a', action: 'restart' } });
    expect(handed.body.message).toBe('Heal of lonely (restart) asked by alice and handed to opsbot instance instance-a, which runs it: it checks that it worked and posts the outcome as an alert');
    await waitUntil('lonely restarted by instance-a', () => starts('lonely').length === before.length + 1, 15_000);
    expect(starts('lonely').at(-1)!.instance).toBe('instance-a');
    const runs = await waitUntil('the heal run recorded as succeeded', async () => {
      const found = ((await bots.b!.get('/api/v1/heal-runs?service=lonely')).body.runs as Array<{ state: string; triggeredBy: string; trigger: string }>)[0];
      return found?.state === 'succeeded' ? found : undefined;
    }, 15_000);
    expect(runs).toMatchObject({ triggeredBy: 'alice', trigger: 'api' });
    const audit = (await bots.b!.get('/api/v1/audit?command=heal')).body.entries as Array<{ result: string; detail: string }>;
    expect(audit[0]).toMatchObject({ result: 'ok', detail: expect.stringContaining('handed to opsbot instance instance-a') });

    expect((await bots.b!.post('/api/v1/services/lonely/disable', {})).status).toBe(200);
    expect((await bots.b!.post('/api/v1/services/lonely/heal', { action: 'restart', by: 'bob' })).status).toBe(202);
    const refused = await waitUntil('instance-a saying why it did not heal', async () => (await firing(bots.b!, 'lonely')).find((a) => a.title === 'Heal of lonely (restart) asked by bob was not started'), 15_000);
    expect(refused.severity).toBe('WARN');
    expect((await bots.b!.post('/api/v1/services/lonely/enable', {})).status).toBe(200);
  });

});
