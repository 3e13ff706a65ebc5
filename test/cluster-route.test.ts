import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { envSchema } from '../src/config/env-schema.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { waitUntil } from './helpers/wait.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await startTestBot({ env: { OPSBOT_INSTANCE: 'ops-route-1' } });
});
afterAll(async () => {
  await bot?.destroy();
});

it('GET /api/v1/cluster lists this instance with its beat, and it leads alone', async () => {
  const cluster = await waitUntil('a leader', async () => {
    const answer = await bot.get('/api/v1/cluster');
    return answer.body.leader ? answer : undefined;
  });
  expect(cluster.status).toBe(200);
  expect(cluster.body.leader).toMatchObject({ name: 'ops-route-1', token: 1 });
  expect(cluster.body.instances).toEqual([
    expect.objectContaining({ name: 'ops-route-1', host: hostname(), pid: process.pid, lost: false, leading: true, version: '0.1.0' }),
  ]);
  expect(Date.parse(cluster.body.instances[0].lastBeatAt)).toBeGreaterThan(Date.now() - 60_000);
});

it('GET /api/v1/cluster wants the API token', async () => {
  expect((await bot.get('/api/v1/cluster', null)).status).toBe(401);
});

it('OPSBOT_INSTANCE is the host name unless given, and a name that is not short and plain is refused with what it must be', () => {
  const base = { OPSBOT_DATA_DIR: '/tmp/x' };
  expect(envSchema.parse(base).OPSBOT_INSTANCE).toBe(hostname());
  expect(envSchema.parse({ ...base, OPSBOT_INSTANCE: 'ops-2.eu_west' }).OPSBOT_INSTANCE).toBe('ops-2.eu_west');
  for (const bad of ['', 'ops 1', 'ops/1', 'x'.repeat(64)]) {
    const parsed = envSchema.safeParse({ ...base, OPSBOT_INSTANCE: bad });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['OPSBOT_INSTANCE'], message: expect.stringContaining('letters, digits and . _ -') });
  }
});
