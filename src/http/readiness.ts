import type { Redis } from 'ioredis';
import type { Db } from '../db/open.js';

/** How long /readyz waits for Redis: a Redis that accepts connections but does not answer is not ready either. */
export const REDIS_READY_TIMEOUT_MS = 1_000;

/** Resolves when SQLite and Redis both answer; throws naming the one that does not. */
export function readinessCheck(db: Db, redis: Redis, timeoutMs = REDIS_READY_TIMEOUT_MS): () => Promise<void> {
  return async () => {
    try {
      db.$client.prepare('select 1').get();
    } catch (error) {
      throw new Error(`SQLite: ${(error as Error).message}`);
    }
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
