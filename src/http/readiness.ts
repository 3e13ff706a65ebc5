import { statfsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Store } from '../db/store.js';

/** How long /readyz waits for Redis: a Redis that accepts connections but does not answer is not ready either. */
export const REDIS_READY_TIMEOUT_MS = 1_000;

/** Below this much free space on the store's disk, a request of the default 1 MiB body limit could not be stored: not ready. */
export const MIN_FREE_BYTES = 1_048_576;

/** What the write check stores before rolling back: several pages, so that a store that cannot grow fails it. */
const PROBE_BYTES = 16_384;

export interface ReadinessOptions {
  redisTimeoutMs?: number;
  minFreeBytes?: number;
}

/**
 * Resolves when the store can write and Redis answers; throws naming the one that cannot. The store
 * is asked for a real write: a transaction that inserts a row spanning a few pages, then rolls back,
 * so nothing is kept; and the disk holding a SQLite store must have `minFreeBytes` free, since a
 * rolled-back write never reaches the disk.
 */
export function readinessCheck(store: Store, redis: Redis, options: ReadinessOptions = {}): () => Promise<void> {
  const timeoutMs = options.redisTimeoutMs ?? REDIS_READY_TIMEOUT_MS;
  const minFreeBytes = options.minFreeBytes ?? MIN_FREE_BYTES;
  return async () => {
    await checkStoreWrites(store, minFreeBytes);
    await checkRedisAnswers(redis, timeoutMs);
  };
}

/** Resolves when the store can write (and a SQLite store's disk has `minFreeBytes` free); throws saying why not. */
export async function checkStoreWrites(store: Store, minFreeBytes = MIN_FREE_BYTES): Promise<void> {
  await checkWritable(store);
  if (store.file) checkFreeSpace(store.file, minFreeBytes);
}

/** Resolves when Redis answers a PING within `timeoutMs`; throws `Redis: …` otherwise. */
export async function checkRedisAnswers(redis: Redis, timeoutMs = REDIS_READY_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), silence]);
  } catch (error) {
    throw new Error(`Redis: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

class ProbeRolledBack extends Error {}

async function checkWritable(store: Store): Promise<void> {
  const { metricSamples } = store.t;
  try {
    await store.transaction(async (tx) => {
      await tx.insert(metricSamples).values({ name: `opsbot.readiness-probe:${'x'.repeat(PROBE_BYTES)}`, labels: {}, value: 0, time: 0 });
      throw new ProbeRolledBack();
    });
  } catch (error) {
    if (error instanceof ProbeRolledBack) return;
    const code = (error as { code?: unknown }).code;
    throw new Error(`${store.name} cannot write: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}`);
  }
}

function checkFreeSpace(file: string, minFreeBytes: number): void {
  const stats = statfsSync(file);
  const free = stats.bavail * stats.bsize;
  if (free < minFreeBytes) {
    throw new Error(`SQLite cannot write: the disk holding ${file} has ${Math.floor(free / 1024)} KiB free, less than ${Math.ceil(minFreeBytes / 1024)} KiB`);
  }
}
