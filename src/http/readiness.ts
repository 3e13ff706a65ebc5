import { statfsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Db } from '../db/open.js';

/** How long /readyz waits for Redis: a Redis that accepts connections but does not answer is not ready either. */
export const REDIS_READY_TIMEOUT_MS = 1_000;

/** Below this much free space on the store's disk, a request of the default 1 MiB body limit could not be stored: not ready. */
export const MIN_FREE_BYTES = 1_048_576;

/** Pages the write check allocates: more than one, so that a store that cannot grow fails it. */
const PROBE_PAGES = 4;

export interface ReadinessOptions {
  redisTimeoutMs?: number;
  minFreeBytes?: number;
}

/**
 * Resolves when SQLite can write and Redis answers; throws naming the one that cannot. SQLite is
 * asked for a real write: a write transaction (`BEGIN IMMEDIATE`) that inserts a row spanning a few
 * new pages, then is rolled back, so nothing is kept; and the disk holding the store must have
 * `minFreeBytes` free, since a rolled-back write never reaches the disk.
 */
export function readinessCheck(db: Db, redis: Redis, options: ReadinessOptions = {}): () => Promise<void> {
  const timeoutMs = options.redisTimeoutMs ?? REDIS_READY_TIMEOUT_MS;
  const minFreeBytes = options.minFreeBytes ?? MIN_FREE_BYTES;
  return async () => {
    checkSqliteWritable(db.$client);
    checkFreeSpace(db.$client.name, minFreeBytes);
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
  };
}

function checkSqliteWritable(sqlite: Database.Database): void {
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      sqlite
        .prepare("insert into metric_samples (name, labels, value, time) values (?, '{}', 0, 0)")
        .run(`opsbot.readiness-probe:${'x'.repeat(pageSize * PROBE_PAGES)}`);
    } finally {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new Error(`SQLite cannot write: ${typeof code === 'string' ? `${code}: ` : ''}${(error as Error).message}`);
  }
}

function checkFreeSpace(file: string, minFreeBytes: number): void {
  const stats = statfsSync(file);
  const free = stats.bavail * stats.bsize;
  if (free < minFreeBytes) {
    throw new Error(`SQLite cannot write: the disk holding ${file} has ${Math.floor(free / 1024)} KiB free, less than ${Math.ceil(minFreeBytes / 1024)} KiB`);
  }
}
