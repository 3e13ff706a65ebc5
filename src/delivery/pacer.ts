import type { Redis } from 'ioredis';
import type { PaceConfig } from '../config/file-schema.js';
import type { Platform } from '../channels/types.js';

export type PaceDecision = { allowed: true; remaining: number } | { allowed: false; waitMs: number };

/**
 * Generic cell rate algorithm, one Redis key per destination: `burst` messages may go at once,
 * then one per `intervalMs`. Atomic in Redis, so several workers and instances share one pace.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = interval * (tonumber(ARGV[3]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tolerance then return {0, math.ceil(tat - now - tolerance)} end
local next = tat + interval
redis.call('SET', KEYS[1], next, 'PX', math.ceil(next - now + interval))
return {1, math.floor((tolerance - (next - now) + interval) / interval)}
`;

/** Pushes the destination's next free slot out by at least `ARGV[2]` ms (after a 429). */
const HOLD = `
local now = tonumber(ARGV[1])
local until_ = now + tonumber(ARGV[2]) + tonumber(ARGV[3]) * (tonumber(ARGV[4]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > tat then redis.call('SET', KEYS[1], until_, 'PX', math.ceil(until_ - now + tonumber(ARGV[3]))) end
return 1
`;

export interface PacingConfig {
  discordChannel: PaceConfig;
  telegramPrivate: PaceConfig;
  telegramGroup: PaceConfig;
}

type PacerRedis = Redis & {
  opsbotPaceTake(key: string, now: number, intervalMs: number, burst: number): Promise<[number, number]>;
  opsbotPaceHold(key: string, now: number, ms: number, intervalMs: number, burst: number): Promise<number>;
};

export class Pacer {
  private readonly redis: PacerRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly pacing: PacingConfig,
  ) {
    redis.defineCommand('opsbotPaceTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('opsbotPaceHold', { numberOfKeys: 1, lua: HOLD });
    this.redis = redis as PacerRedis;
  }

  paceFor(platform: Platform, destination: string): PaceConfig {
    if (platform === 'discord') return this.pacing.discordChannel;
    return destination.startsWith('-') ? this.pacing.telegramGroup : this.pacing.telegramPrivate;
  }

  async take(platform: Platform, destination: string): Promise<PaceDecision> {
    const { intervalMs, burst } = this.paceFor(platform, destination);
    const [allowed, value] = await this.redis.opsbotPaceTake(this.key(platform, destination), Date.now(), intervalMs, burst);
    return allowed === 1 ? { allowed: true, remaining: value } : { allowed: false, waitMs: Math.max(1, value) };
  }

  async hold(platform: Platform, destination: string, ms: number): Promise<void> {
    const { intervalMs, burst } = this.paceFor(platform, destination);
    await this.redis.opsbotPaceHold(this.key(platform, destination), Date.now(), ms, intervalMs, burst);
  }

  private key(platform: Platform, destination: string): string {
    return `${this.prefix}:pace:${platform}:${destination}`;
  }
}
