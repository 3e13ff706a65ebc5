/**
 * The floor a machine sets under phase (a), measured at the phase's own spacing between alerts (an idle
 * CPU answers later than a busy one): an HTTP round trip from the bench to the bot (GET /healthz), a
 * Redis PING, and a one-row SQLite commit in a store opened as the bot opens its own (src/db/open.ts:
 * WAL, synchronous=FULL), in the bench process (an fsync of the same disk). One alert's path holds an HTTP hop in, a commit, and an HTTP hop out to a fake; figures
 * from different machines compare only next to these.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { openSqliteDb } from '../src/db/open.js';
import { REDIS_URL } from './bot.js';
import { summarize, type Summary } from './stats.js';

export interface MachineFloor {
  httpRoundTrip: Summary;
  redisPing: Summary;
  sqliteCommit: Summary;
}

async function spaced(samples: number, intervalMs: number, fn: () => unknown): Promise<Summary> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await fn();
    values.push(performance.now() - start);
    await sleep(intervalMs);
  }
  return summarize(values);
}

export async function measureFloor(getHealth: () => Promise<unknown>, intervalMs: number, samples = 100): Promise<MachineFloor> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-floor-'));
  const sqlite = openSqliteDb(dir).$client;
  try {
    sqlite.exec('create table floor (id integer primary key, v text)');
    const insert = sqlite.prepare('insert into floor (v) values (?)');
    const row = 'x'.repeat(200);
    await redis.ping();
    return {
      httpRoundTrip: await spaced(samples, intervalMs, getHealth),
      redisPing: await spaced(samples, intervalMs, () => redis.ping()),
      sqliteCommit: await spaced(samples, intervalMs, () => insert.run(row)),
    };
  } finally {
    redis.disconnect();
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
