import type { Redis } from 'ioredis';
import type { GlobalPaceConfig, PaceConfig, PacingConfig } from '../config/pacing-schema.js';
import { platformSettings } from '../platforms/settings.js';
import type { Platform } from '../shared/types.js';

/** How far ahead a bot-wide budget hands out reserved slots; waiters beyond that come back later. */
export const RESERVE_AHEAD_MAX_MS = 2_000;

export type PaceDecision = { allowed: true; remaining: number } | { allowed: false; waitMs: number };

const REFUSED_BY_DESTINATION = 0;
const RESERVED = 1;
const BEYOND_RESERVATIONS = 2;

/**
 * Generic cell rate algorithm on two Redis keys at once: the destination's (KEYS[1]: `burst`
 * messages at once, then one per `intervalMs`) and the platform's bot-wide budget (KEYS[2]: the same
 * rule with its own interval and burst). A message goes only when both allow it.
 * When only the bot-wide budget refuses, the caller gets the next free slot reserved in its name
 * (KEYS[3]) and is told to come back then; when it does, the reserved slot is its own, so waiters go
 * first come, first served and wake one at a time. Slots are reserved at most ARGV[6] ms ahead;
 * a caller beyond that is told to come back when there is room, without a reservation.
 * Atomic in Redis, so several workers and instances share one pace.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local function state(key, interval, burst)
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  return tat, interval * (burst - 1)
end
local function charge(key, tat, interval)
  redis.call('SET', key, tat + interval, 'PX', math.ceil(tat + interval - now + interval))
end
local interval, globalInterval, reserveAhead = tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[6])
local tat, tolerance = state(KEYS[1], interval, tonumber(ARGV[3]))
if tat - now > tolerance then return {0, math.ceil(tat - now - tolerance), ${REFUSED_BY_DESTINATION}} end
local reservedAt = tonumber(redis.call('GET', KEYS[3]) or '-1')
if reservedAt > now then return {0, math.ceil(reservedAt - now), ${RESERVED}} end
if reservedAt >= 0 then
  redis.call('DEL', KEYS[3])
else
  local globalTat, globalTolerance = state(KEYS[2], globalInterval, tonumber(ARGV[5]))
  local wait = globalTat - now - globalTolerance
  if wait > reserveAhead then return {0, math.ceil(wait - reserveAhead), ${BEYOND_RESERVATIONS}} end
  charge(KEYS[2], globalTat, globalInterval)
  if wait > 0 then
    redis.call('SET', KEYS[3], now + wait, 'PX', math.ceil(wait + reserveAhead))
    return {0, math.ceil(wait), ${RESERVED}}
  end
end
charge(KEYS[1], tat, interval)
return {1, math.floor((tolerance - (tat + interval - now) + interval) / interval), 0}
`;

/** Pushes the destination's next free slot out by at least `ARGV[2]` ms (after a 429). */
const HOLD = `
local now = tonumber(ARGV[1])
local until_ = now + tonumber(ARGV[2]) + tonumber(ARGV[3]) * (tonumber(ARGV[4]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > tat then redis.call('SET', KEYS[1], until_, 'PX', math.ceil(until_ - now + tonumber(ARGV[3]))) end
return 1
`;

type PacerRedis = Redis & {
  opsbotPaceTake(
    destinationKey: string,
    platformKey: string,
    reservationKey: string,
    now: number,
    intervalMs: number,
    burst: number,
    globalIntervalMs: number,
    globalBurst: number,
    reserveAheadMs: number,
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
    const key = platformSettings(platform).pacing.destinationKey(destination);
    const pace = this.pacing[platform].destinations[key];
    if (!pace) throw new Error(`${platform}: its settings name the pace ${key}, which the pacing config lacks`);
    return pace;
  }

  globalPaceFor(platform: Platform): GlobalPaceConfig {
    return this.pacing[platform].global;
  }

  /**
   * A slot for one message to the destination, within both its own pace and the platform's bot-wide
   * budget. `caller` names the work asking (a delivery, a summary, a flush job), so that a slot
   * reserved for it is found when it comes back.
   */
  async take(platform: Platform, destination: string, caller: string): Promise<PaceDecision> {
    const { intervalMs, burst } = this.paceFor(platform, destination);
    const global = this.globalPaceFor(platform);
    const [allowed, value, refusal] = await this.redis.opsbotPaceTake(
      this.key(platform, destination),
      this.globalKey(platform),
      `${this.globalKey(platform)}:reserved:${caller}`,
      Date.now(),
      intervalMs,
      burst,
      1_000 / global.perSecond,
      global.burst,
      RESERVE_AHEAD_MAX_MS,
    );
    if (allowed === 1) return { allowed: true, remaining: value };
    const spreadMs = refusal === BEYOND_RESERVATIONS ? Math.random() * RESERVE_AHEAD_MAX_MS : 0;
    return { allowed: false, waitMs: Math.max(1, Math.ceil(value + spreadMs)) };
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
