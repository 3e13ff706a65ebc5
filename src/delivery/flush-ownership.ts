import type { Redis } from 'ioredis';
import type { Platform } from '../shared/types.js';

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

/** How long ownership outlasts the owner's next planned wake-up, so that a dead owner is replaced soon. */
export const FLUSH_OWNERSHIP_GRACE_MS = 5_000;

/**
 * One flush job at a time drains a destination; every other flush job for it leaves the work to that
 * one instead of waking up with it for every slot. Ownership lapses FLUSH_OWNERSHIP_GRACE_MS after the
 * owner's next planned wake-up, so the work of an owner that died is picked up by the next flush (at
 * the latest the reconciler's). Two flush jobs draining one destination would only cost time: every
 * claim they take is atomic.
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

  /** Takes or renews ownership until `wakeInMs` plus the grace; false while another flush job owns the destination. */
  async acquire(platform: Platform, destination: string, owner: string, wakeInMs = 0): Promise<boolean> {
    const ttlMs = Math.ceil(wakeInMs + FLUSH_OWNERSHIP_GRACE_MS);
    return (await this.redis.opsbotFlushAcquire(this.key(platform, destination), owner, ttlMs)) === 1;
  }

  async release(platform: Platform, destination: string, owner: string): Promise<void> {
    await this.redis.opsbotFlushRelease(this.key(platform, destination), owner);
  }

  private key(platform: Platform, destination: string): string {
    return `${this.prefix}:flush-owner:${platform}:${destination}`;
  }
}
