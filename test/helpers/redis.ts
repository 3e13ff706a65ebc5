import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix of this test's own, so tests never touch each other's (or anyone's) keys. */
export function uniquePrefix(label: string): string {
  return `opsbot-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix:` and nothing else. */
export async function deleteKeysWithPrefix(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
