import type { Redis } from 'ioredis';
import type { GlobalPaceConfig, PaceConfig } from '../config/file-schema.js';
import type { Platform } from '../channels/types.js';

/** A bot-wide line longer than this means the platform budget is saturated: fold instead of queueing. */
export const FOLD_WHEN_LINE_LONGER_THAN_MS = 1_000;

export type PaceDecision = { allowed: true; remaining: number } | { allowed: false; waitMs: number };

/**
 * Generic cell rate algorithm on two Redis keys at once: the destination's (KEYS[1]: `burst`
 * messages at once, then one per `intervalMs`) and the platform's bot-wide budget (KEYS[2]: the same
 * rule with its own interval and burst). A message goes only when both allow it, and only then are
 * both charged. When only the bot-wide budget refuses, the caller gets a turn in a line (KEYS[3]):
 * each waiter is told to come back one budget interval after the one before, so that waiters wake
 * one at a time instead of all together. While that line is longer than ARGV[6] ms, a slot comes
 * with nothing to spare (`remaining` 0), so what else waits for the destination is folded into a
 * summary. Atomic in Redis, so several workers and instances share one pace.
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
if tat - now > tolerance then return {0, math.ceil(tat - now - tolerance)} end
local globalTat, globalTolerance = state(KEYS[2], globalInterval, tonumber(ARGV[5]))
if globalTat - now > globalTolerance then
  local turn = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), globalTat - globalTolerance)
  redis.call('SET', KEYS[3], turn + globalInterval, 'PX', math.ceil(turn + globalInterval - now))
  return {0, math.ceil(turn - now)}
end
local next, globalNext = tat + interval, globalTat + globalInterval
redis.call('SET', KEYS[1], next, 'PX', math.ceil(next - now + interval))
redis.call('SET', KEYS[2], globalNext, 'PX', math.ceil(globalNext - now + globalInterval))
if tonumber(redis.call('GET', KEYS[3]) or '0') - now > tonumber(ARGV[6]) then return {1, 0} end
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
  discordGlobal: GlobalPaceConfig;
  telegramGlobal: GlobalPaceConfig;
}

type PacerRedis = Redis & {
  opsbotPaceTake(
    destinationKey: string,
    platformKey: string,
    platformLineKey: string,
    now: number,
    intervalMs: number,
    burst: number,
    globalIntervalMs: number,
    globalBurst: number,
    foldWhenLineLongerThanMs: number,
  ): Promise<[number, number]>;
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
    const [allowed, value] = await this.redis.opsbotPaceTake(
      this.key(platform, destination),
      this.globalKey(platform),
      `${this.globalKey(platform)}:line`,
      Date.now(),
      intervalMs,
      burst,
      1_000 / global.perSecond,
      global.burst,
      FOLD_WHEN_LINE_LONGER_THAN_MS,
    );
    return allowed === 1 ? { allowed: true, remaining: value } : { allowed: false, waitMs: Math.max(1, value) };
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
