import { describe, expect, it } from 'vitest';
import { DeliveryError, refusalKind } from '../src/platforms/errors.js';
import { decideFailure, meetFailure, platformMayBeDown, type RetryPolicy } from '../src/delivery/failure-ladder.js';

const policy: RetryPolicy = { maxAttempts: 5, backoffMs: 1_000, backoffMaxMs: 30_000 };

/** The attempt counter a caller's row keeps: returns `attempts`, remembers what it was told. */
function attemptsNow(attempts: number) {
  const recorded: string[] = [];
  return {
    recorded,
    count: (reason: string) => {
      recorded.push(reason);
      return attempts;
    },
  };
}

describe('the failure ladder', () => {
  it("holds for a 429's retry_after without counting an attempt", async () => {
    const row = attemptsNow(4);
    const decision = await decideFailure(new DeliveryError('rate_limited', 'telegram 429', 7_000), policy, row.count);
    expect(decision).toEqual({ kind: 'hold', retryInMs: 7_000, reason: 'telegram 429' });
    expect(row.recorded).toEqual([]);
    expect(platformMayBeDown(decision)).toBe(false);
  });

  it('fails a permanent refusal at once, without counting an attempt', async () => {
    const row = attemptsNow(1);
    const decision = await decideFailure(new DeliveryError('permanent', 'discord 403: Missing Access'), policy, row.count);
    expect(decision).toEqual({ kind: 'fail', attempts: null, reason: 'discord 403: Missing Access' });
    expect(row.recorded).toEqual([]);
    expect(platformMayBeDown(decision)).toBe(false);
  });

  it('counts a transient failure and retries it after the back-off, doubling with ±20 % jitter', async () => {
    for (const [attempts, base] of [
      [1, 1_000],
      [2, 2_000],
      [4, 8_000],
    ] as const) {
      const row = attemptsNow(attempts);
      const decision = await decideFailure(new DeliveryError('transient', 'discord 502'), policy, row.count);
      expect(row.recorded).toEqual(['discord 502']);
      expect(decision).toMatchObject({ kind: 'retry', attempts, reason: 'discord 502' });
      const wait = decision.kind === 'retry' ? decision.retryInMs : NaN;
      expect(wait).toBeGreaterThanOrEqual(base * 0.8);
      expect(wait).toBeLessThanOrEqual(base * 1.2);
      expect(platformMayBeDown(decision)).toBe(true);
    }
  });

  it('caps the back-off at backoffMaxMs', async () => {
    const decision = await decideFailure(new DeliveryError('transient', 'timeout'), { ...policy, maxAttempts: 100 }, () => 20);
    expect(decision).toMatchObject({ kind: 'retry', retryInMs: 30_000 });
  });

  it('fails after the last attempt, and the platform may still be down', async () => {
    const decision = await decideFailure(new DeliveryError('transient', 'discord 503'), policy, () => 5);
    expect(decision).toEqual({ kind: 'fail', attempts: 5, reason: 'discord 503' });
    expect(platformMayBeDown(decision)).toBe(true);
  });

  it('treats anything that is not a DeliveryError as transient', async () => {
    const decision = await decideFailure(new TypeError('fetch failed'), policy, () => 1);
    expect(decision).toMatchObject({ kind: 'retry', attempts: 1, reason: 'TypeError: fetch failed' });
  });

  it("reads a platform's HTTP refusal: a 5xx or a 401 may pass, any other 4xx never will", () => {
    expect([500, 502, 503, 401].map(refusalKind)).toEqual(['transient', 'transient', 'transient', 'transient']);
    expect([400, 403, 404].map(refusalKind)).toEqual(['permanent', 'permanent', 'permanent']);
  });

  it('holds the destination after a 429 and reports a platform that may be down', async () => {
    const holds: [string, string, number][] = [];
    const failing: string[] = [];
    const ladder = {
      pacer: { hold: async (platform: string, destination: string, ms: number) => void holds.push([platform, destination, ms]) },
      retry: policy,
      platformFailed: (platform: string) => void failing.push(platform),
    };
    const target = { platform: 'telegram', destination: '-100' } as const;
    await meetFailure(ladder, target, new DeliveryError('rate_limited', '429', 3_000), () => 1);
    await meetFailure(ladder, target, new DeliveryError('permanent', 'chat not found'), () => 1);
    expect(holds).toEqual([['telegram', '-100', 3_000]]);
    expect(failing).toEqual([]);
    await meetFailure(ladder, target, new DeliveryError('transient', '502'), () => 1);
    await meetFailure(ladder, target, new DeliveryError('transient', '502'), () => 5);
    expect(failing).toEqual(['telegram', 'telegram']);
  });
});
