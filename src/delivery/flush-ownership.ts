import type { Redis } from 'ioredis';
import type { Platform } from '../channels/types.js';

/** Takes (or renews) the key for `ARGV[1]` unless another owner holds it. */
const ACQUIRE = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

type OwnershipRedis = Redis & {
  opsbotFlushAcquire(key: string, owner: string, ttlMs: number): Promise<number>;
  opsbotFlushRelease(key: string, owner: string): Promise<number>;
};

/**
 * One flush job at a time drains a destination; every other flush job for it leaves the work to that
 * one instead of waking up with it for every slot. Ownership lapses after `ttlMs` without renewal, so
 * the work of an owner that died is picked up by the next flush (at the latest the reconciler's).
 */
export class FlushOwnership {
  private readonly redis: OwnershipRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('opsbotFlushAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('opsbotFlushRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis = redis as OwnershipRedis;
  }

  async acquire(platform: Platform, destination: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.opsbotFlushAcquire(this.key(platform, destination), owner, Math.ceil(ttlMs))) === 1;
  }

  async release(platform: Platform, destination: string, owner: string): Promise<void> {
    await this.redis.opsbotFlushRelease(this.key(platform, destination), owner);
  }

  private key(platform: Platform, destination: string): string {
    return `${this.prefix}:flush-owner:${platform}:${destination}`;
  }
}
