import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { backoffMs } from '../src/delivery/failure-ladder.js';

describe('delivery back-off ladder', () => {
  const policy = loadConfig({ OPSBOT_DATA_DIR: '/tmp/x' }).file.delivery;
  const ladder = Array.from({ length: policy.maxAttempts - 1 }, (_, i) => backoffMs(policy, i + 1));

  it('waits at most 30 s between attempts by default', () => {
    expect(policy.backoffMaxMs).toBe(30_000);
    expect(Math.max(...ladder)).toBeLessThanOrEqual(30_000);
    expect(ladder.at(-1)).toBe(30_000);
  });

  it('still gives a platform outage about an hour before a delivery is failed', () => {
    const totalMinutes = ladder.reduce((sum, ms) => sum + ms, 0) / 60_000;
    expect(totalMinutes).toBeGreaterThan(50);
    expect(totalMinutes).toBeLessThan(70);
  });
});
