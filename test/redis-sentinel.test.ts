import { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { connectRedis, redisOptionsFrom, RedisUrlError } from '../src/redis/connection.js';
import { ensureRedis, RedisUnavailableError } from '../src/redis/embedded.js';
import { launchInProcess } from './helpers/launch.js';
import { freePort } from './helpers/net.js';
import { deleteKeysWithPrefix, uniquePrefix } from './helpers/redis.js';
import { startSentinel, type TestSentinel } from './helpers/sentinel.js';

const PASSWORD = 'hunter2-secret';

function configProblem(url: string): string {
  try {
    loadConfig({ REDIS_URL: url });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`REDIS_URL=${url} was accepted`);
}

describe('REDIS_URL forms', () => {
  it('reads a plain URL as one server, as ioredis does', () => {
    expect(redisOptionsFrom('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(redisOptionsFrom('rediss://ops:p%40ss@redis.example:6380/2')).toEqual({
      host: 'redis.example',
      port: 6380,
      username: 'ops',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    expect(redisOptionsFrom('redis://[::1]')).toEqual({ host: '::1', port: 6379 });
  });

  it('reads a sentinel URL as the sentinels, the master group and the master password', () => {
    const options = redisOptionsFrom(`redis+sentinel://:${PASSWORD}@s1.example:26379,s2.example:26380/mymaster/1?sentinel_password=s%26p`);
    expect(options).toEqual({
      sentinels: [
        { host: 's1.example', port: 26379 },
        { host: 's2.example', port: 26380 },
      ],
      name: 'mymaster',
      password: PASSWORD,
      db: 1,
      sentinelPassword: 's&p',
    });
  });

  it('gives a sentinel without a port 26379, takes IPv6 in brackets, and TLS everywhere with rediss+sentinel', () => {
    expect(redisOptionsFrom('redis+sentinel://a,[::1]:5000/m')).toMatchObject({
      sentinels: [
        { host: 'a', port: 26379 },
        { host: '::1', port: 5000 },
      ],
      name: 'm',
    });
    expect(redisOptionsFrom('redis+sentinel://a/m')).not.toHaveProperty('db');
    expect(redisOptionsFrom('rediss+sentinel://ops:pw@a/m?sentinel_username=watch')).toMatchObject({
      username: 'ops',
      password: 'pw',
      sentinelUsername: 'watch',
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it.each([
    ['redis+sentinel://:PW@s1:26379', /names no master group/],
    ['redis+sentinel://:PW@s1:26379/', /names no master group/],
    ['redis+sentinel://:PW@/mymaster', /names no sentinel host/],
    ['redis+sentinel://:PW@s1:26379,:26380/mymaster', /sentinel 2 has no host/],
    ['redis+sentinel://:PW@s1:port/mymaster', /sentinel 1 has a port that is not a number from 1 to 65535/],
    ['redis+sentinel://:PW@s1:70000/mymaster', /sentinel 1 has a port that is not a number from 1 to 65535/],
    ['redis+sentinel://:PW@s1/mymaster/first', /database number that is not a whole number/],
    ['redis+sentinel://:PW@s1/mymaster/0/extra', /path that is not \/master-name\[\/db\]/],
    ['redis+sentinel://:PW@s1/mymaster?password=PW', /parameter other than sentinel_username and sentinel_password/],
    ['redis+sentinel://:P?W@s1/mymaster', /sentinel 1 has no host .*percent-encode/],
    ['sentinel://:PW@s1/mymaster', /must be a redis:\/\/, rediss:\/\/ or redis\+sentinel:\/\//],
    ['http://:PW@s1:6379', /must be a redis:\/\/, rediss:\/\/ or redis\+sentinel:\/\//],
  ])('refuses %s as REDIS_URL, saying what is wrong and never showing the password', (template, problem) => {
    const url = template.replaceAll('PW', PASSWORD);
    expect(() => redisOptionsFrom(url)).toThrow(RedisUrlError);
    const message = configProblem(url);
    expect(message).toMatch(/^invalid environment:\n {2}REDIS_URL: /);
    expect(message).toMatch(problem);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain(PASSWORD.slice(0, 6));
  });

  it('accepts both forms in the environment', () => {
    expect(loadConfig({ REDIS_URL: 'redis+sentinel://a:1,b:2/mymaster' }).env.REDIS_URL).toBe('redis+sentinel://a:1,b:2/mymaster');
    expect(loadConfig({}).env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });
});

describe('through a real Redis Sentinel', () => {
  let sentinel: TestSentinel;
  let url: string;
  const dirs: string[] = [];
  const prefixes: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-sentinel-test-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    sentinel = await startSentinel();
    url = `redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}`;
  });
  afterAll(async () => {
    await sentinel?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
  });

  it('connectRedis reaches the master the sentinel names, and a BullMQ queue works on it', async () => {
    const prefix = uniquePrefix('sentinel');
    prefixes.push(prefix);
    const redis = connectRedis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('sentinel-check', { connection: redis, prefix });
    try {
      expect(await redis.ping()).toBe('PONG');
      await queue.add('probe', { n: 1 });
      await queue.add('probe', { n: 2 });
      expect(await queue.count()).toBe(2);
      await queue.obliterate({ force: true });
      expect(await queue.count()).toBe(0);
    } finally {
      await queue.close();
      await redis.quit();
    }
  });

  it('ensureRedis uses the master behind the sentinel and starts no redis-server of its own', async () => {
    const handle = await ensureRedis(url, tempDir(), pino({ level: 'silent' }));
    expect(handle.embedded).toBe(false);
    await handle.stop();
  });

  it('ensureRedis refuses a sentinel URL nobody answers, naming the sentinels, and starts no redis-server', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const refused = ensureRedis(`redis+sentinel://:${PASSWORD}@127.0.0.1:${port}/${sentinel.masterName}`, dataDir, pino({ level: 'silent' }));
    await expect(refused).rejects.toThrow(RedisUnavailableError);
    const message = await refused.catch((error: Error) => error.message);
    expect(message).toContain(`no Redis master "${sentinel.masterName}" answers through the sentinels at 127.0.0.1:${port}`);
    expect(message).not.toContain(PASSWORD);
  });

  it('the bot starts on a sentinel URL: ready, and an alert accepted lands in the master under its prefix', async () => {
    const prefix = uniquePrefix('sentinel-bot');
    prefixes.push(prefix);
    const env = { PORT: '0', REDIS_URL: url, OPSBOT_DATA_DIR: tempDir(), OPSBOT_QUEUE_PREFIX: prefix };
    const { bot, output } = await launchInProcess(env);
    if (!bot) throw new Error(`bot did not start:\n${output}`);
    try {
      expect(await (await fetch(`${bot.url}/readyz`)).json()).toEqual({ ok: true });
      const res = await fetch(`${bot.url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ severity: 'CRIT', title: 'through the sentinel' }),
      });
      expect(res.status).toBe(202);
      expect(output).not.toMatch(/private redis-server/);
    } finally {
      await bot.stop();
    }
    expect(await deleteKeysWithPrefix(prefix)).toBeGreaterThan(0);
  });

  it('the bot whose sentinels do not answer stops with the reason, and starts no redis-server', async () => {
    const port = await freePort();
    const env = { PORT: '0', REDIS_URL: `redis+sentinel://127.0.0.1:${port}/mymaster`, OPSBOT_DATA_DIR: tempDir() };
    const { bot, code, output } = await launchInProcess(env);
    await bot?.stop();
    expect(bot).toBeNull();
    expect(code).toBe(2);
    expect(output).toMatch(new RegExp(`no Redis master "mymaster" answers through the sentinels at 127\\.0\\.0\\.1:${port}`));
    expect(output).not.toMatch(/started a private redis-server/);
  });
});
