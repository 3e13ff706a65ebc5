import type { Redis } from 'ioredis';
import type { GlobalPaceConfig, PaceConfig } from '../config/file-schema.js';
import type { Platform } from '../channels/types.js';

/** The most by which waiters refused by a bot-wide budget are spread apart, so they do not all wake at once. */
export const WAITER_SPREAD_MAX_MS = 1_000;

export type PaceDecision = { allowed: true; remaining: number } | { allowed: false; waitMs: number };

/**
 * Generic cell rate algorithm on two Redis keys at once: the destination's (KEYS[1]: `burst`
 * messages at once, then one per `intervalMs`) and the platform's bot-wide budget (KEYS[2]: the same
 * rule with its own interval and burst). A message goes only when both allow it, and only then are
 * both charged. A refusal by the bot-wide budget is counted for a second (KEYS[3]) and the count
 * returned, so that the caller can spread its waiters over as many budget intervals.
 * Atomic in Redis, so several workers and instances share one pace.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local function state(key, interval, burst)
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  return tat, interval * (burst - 1)
end
local interval, globalInterval = tonumber(ARGV[2]), tonumber(ARGV[4])
local tat, tolerance = state(KEYS[1], interval, tonumber(ARGV[3]))
if tat - now > tolerance then return {0, math.ceil(tat - now - tolerance), 0} end
local globalTat, globalTolerance = state(KEYS[2], globalInterval, tonumber(ARGV[5]))
if globalTat - now > globalTolerance then
  local refused = redis.call('INCR', KEYS[3])
  if refused == 1 then redis.call('PEXPIRE', KEYS[3], 1000) end
  return {0, math.ceil(globalTat - now - globalTolerance), refused}
end
local next, globalNext = tat + interval, globalTat + globalInterval
redis.call('SET', KEYS[1], next, 'PX', math.ceil(next - now + interval))
redis.call('SET', KEYS[2], globalNext, 'PX', math.ceil(globalNext - now + globalInterval))
return {1, math.floor((tolerance - (next - now) + interval) / interval), 0}
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
  discordGlobal: GlobalPaceConfig;
  telegramGlobal: GlobalPaceConfig;
}

type PacerRedis = Redis & {
  opsbotPaceTake(
    destinationKey: string,
    platformKey: string,
    platformRefusalsKey: string,
    now: number,
    intervalMs: number,
    burst: number,
    globalIntervalMs: number,
    globalBurst: number,
  ): Promise<[number, number, number]>;
  opsbotPaceHold(key: string, now: number, ms: number, intervalMs: number, burst: number): Promise<number>;
};

export class Pacer {
  private readonly redis: PacerRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly pacing: PacingConfig,
  ) {
    redis.defineCommand('opsbotPaceTake', { numberOfKeys: 3, lua: TAKE });
    redis.defineCommand('opsbotPaceHold', { numberOfKeys: 1, lua: HOLD });
    this.redis = redis as PacerRedis;
  }

  paceFor(platform: Platform, destination: string): PaceConfig {
    if (platform === 'discord') return this.pacing.discordChannel;
    return destination.startsWith('-') ? this.pacing.telegramGroup : this.pacing.telegramPrivate;
  }

  globalPaceFor(platform: Platform): GlobalPaceConfig {
    return platform === 'discord' ? this.pacing.discordGlobal : this.pacing.telegramGlobal;
  }

  /** A slot for one message to the destination, within both its own pace and the platform's bot-wide budget. */
  async take(platform: Platform, destination: string): Promise<PaceDecision> {
    const { intervalMs, burst } = this.paceFor(platform, destination);
    const global = this.globalPaceFor(platform);
    const globalIntervalMs = 1_000 / global.perSecond;
    const [allowed, value, recentRefusals] = await this.redis.opsbotPaceTake(
      this.key(platform, destination),
      this.globalKey(platform),
      `${this.globalKey(platform)}:refusals`,
      Date.now(),
      intervalMs,
      burst,
      globalIntervalMs,
      global.burst,
    );
    if (allowed === 1) return { allowed: true, remaining: value };
    const spreadMs = Math.min(WAITER_SPREAD_MAX_MS, recentRefusals * globalIntervalMs);
    return { allowed: false, waitMs: Math.max(1, Math.ceil(value + Math.random() * spreadMs)) };
  }

  async hold(platform: Platform, destination: string, ms: number): Promise<void> {
    const { intervalMs, burst } = this.paceFor(platform, destination);
    await this.redis.opsbotPaceHold(this.key(platform, destination), Date.now(), ms, intervalMs, burst);
  }

  private key(platform: Platform, destination: string): string {
    return `${this.prefix}:pace:${platform}:${destination}`;
  }

  private globalKey(platform: Platform): string {
    return `${this.prefix}:pace-global:${platform}`;
  }
}
