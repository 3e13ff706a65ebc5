import { Redis } from 'ioredis';
import type { SqliteStore } from '../src/db/sqlite-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessCheck } from '../src/http/readiness.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { TEST_REDIS_URL } from './helpers/redis.js';

describe('/readyz and a store that cannot write', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ yaml: 'defaultRoute: { telegram: ["300"] }\n' });
  });
  afterAll(async () => {
    await bot.destroy();
  });

  it('answers 503 naming SQLITE_FULL while the store cannot grow, keeps nothing of its check, and is ready again after', async () => {
    const sqlite = (bot.bot.store as SqliteStore).writer.$client;
    const samples = () => sqlite.prepare('select count(*) as n from metric_samples').get() as { n: number };
    const before = samples().n;
    expect((await bot.get('/readyz', null)).body).toEqual({ ok: true });
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true })}`);
    try {
      const full = await bot.get('/readyz', null);
      expect(full.status).toBe(503);
      expect(full.body).toEqual({ ok: false, error: 'SQLite cannot write: SQLITE_FULL: database or disk is full' });
    } finally {
      sqlite.pragma('max_page_count = 4294967294');
    }
    expect((await bot.get('/readyz', null)).body).toEqual({ ok: true });
    expect(samples().n).toBe(before);
    expect((await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'stored after the check' })).status).toBe(202);
  });

  it('is not ready when the disk holding the store has less free space than it needs', async () => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const check = readinessCheck(bot.bot.store, redis, { minFreeBytes: Number.MAX_SAFE_INTEGER });
      await expect(check()).rejects.toThrow(/^SQLite cannot write: the disk holding .*opsbot\.sqlite has \d+ KiB free, less than \d+ KiB$/);
      await expect(readinessCheck(bot.bot.store, redis)()).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });
});
