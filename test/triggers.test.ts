import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../src/triggers/evaluate.js';
import { decideFire } from '../src/triggers/fire-state.js';
import { drive, fireMinutes, MINUTE, perMinute, rule, sampleMinutes } from './helpers/triggers.js';

describe('threshold trigger', () => {
  const slow = rule({ kind: 'threshold', metric: 'task.duration_s', op: '>=', value: 60, cooldown: '0s' });

  it('fires once per breach and again after the value was back to normal', () => {
    const points = perMinute([10, 70, 80, 95, 20, 90, 61]);
    const steps = drive(slow, points, sampleMinutes(points));
    expect(fireMinutes(steps)).toEqual([2, 6]);
    expect(steps.map((step) => step.reason)).toEqual(['normal', 'fired', 'still-breached', 'still-breached', 'recovered', 'fired', 'still-breached']);
  });

  it('says what it compared', () => {
    expect(evaluateRule(slow, perMinute([75]), MINUTE)).toEqual({ value: 75, breached: true, detail: 'task.duration_s 75 ≥ 60' });
    expect(evaluateRule(slow, perMinute([12.5]), MINUTE).detail).toBe('task.duration_s 12.5 (fires at ≥ 60)');
    expect(evaluateRule(slow, [], MINUTE)).toEqual({ value: null, breached: false, detail: 'no task.duration_s sample yet' });
  });

  it('ignores samples after now', () => {
    expect(evaluateRule(slow, perMinute([10, 99]), MINUTE).value).toBe(10);
  });

  it('respects the cooldown: a new breach within it waits, and fires when the cooldown is over if it lasts', () => {
    const cooled = rule({ kind: 'threshold', op: '>', value: 5, cooldown: '15m' });
    const points = [...perMinute([9, 1, 9]), ...perMinute([9, 9], 17)];
    const steps = drive(cooled, points, [1, 2, 3, 10, 16, 17, 18]);
    expect(fireMinutes(steps)).toEqual([1, 16]);
    expect(steps.find((step) => step.minute === 3)?.reason).toBe('cooling-down');
  });

  it('never fires a breach that starts and ends within the cooldown', () => {
    const cooled = rule({ kind: 'threshold', op: '>', value: 5, cooldown: '15m' });
    const points = perMinute([9, 1, 9, 1, 1]);
    expect(fireMinutes(drive(cooled, [...points, ...perMinute([1], 30)], [1, 2, 3, 4, 5, 30]))).toEqual([1]);
  });
});

describe('rate trigger', () => {
  const errorRate = rule({ kind: 'rate', metric: 'task.error', window: '10m', op: '>=', value: 20, as: 'percent', cooldown: '0s' });

  it('fires once while the error share stays high and again after it fell below', () => {
    const points = perMinute([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const steps = drive(errorRate, points, sampleMinutes(points));
    expect(fireMinutes(steps)).toEqual([5, 17]);
    expect(steps.find((step) => step.minute === 6)?.reason).toBe('recovered');
  });

  it('reports the share with its sample counts', () => {
    const evaluation = evaluateRule(errorRate, perMinute([0, 1, 0, 0, 1, 0, 0, 0]), 8 * MINUTE);
    expect(evaluation).toEqual({ value: 25, breached: true, detail: 'task.error rate 25 % over 10m ≥ 20 % (2 of 8 samples)' });
  });

  it('has no verdict on an empty window or on fewer samples than minSamples', () => {
    expect(evaluateRule(errorRate, perMinute([1]), 20 * MINUTE)).toEqual({
      value: null,
      breached: false,
      detail: 'no task.error samples in the last 10m',
    });
    const guarded = rule({ kind: 'rate', metric: 'task.error', window: '10m', op: '>=', value: 20, as: 'percent', minSamples: 5 });
    expect(evaluateRule(guarded, perMinute([1, 1]), 2 * MINUTE).detail).toBe('only 2 samples of task.error in the last 10m; the rate needs 5');
  });

  it('keeps its state while there is no data, so an empty window does not re-arm it', () => {
    const points = [...perMinute([1]), ...perMinute([1], 30)];
    expect(fireMinutes(drive(errorRate, points, [1, 20, 30]))).toEqual([1]);
  });

  it('counts an empty window as a sum of 0 in count mode', () => {
    const retries = rule({ kind: 'rate', metric: 'task.retries', window: '10m', op: '>=', value: 3, as: 'count', cooldown: '0s' });
    expect(evaluateRule(retries, perMinute([5]), 20 * MINUTE)).toEqual({
      value: 0,
      breached: false,
      detail: 'task.retries total 0 over 10m, 0 samples (fires at ≥ 3)',
    });
  });

  it('sums values in count mode and respects the cooldown', () => {
    const retries = rule({ kind: 'rate', metric: 'task.retries', window: '10m', op: '>=', value: 3, as: 'count', cooldown: '30m' });
    expect(evaluateRule(retries, perMinute([1, 0, 2, 1]), 4 * MINUTE).detail).toBe('task.retries total 4 over 10m ≥ 3 (4 samples)');
    const points = [...perMinute([3]), ...perMinute([4], 20), ...perMinute([5], 40)];
    expect(fireMinutes(drive(retries, points, [1, 15, 20, 35, 40]))).toEqual([1, 40]);
  });
});

describe('baseline trigger', () => {
  const tokens = rule({ kind: 'baseline', metric: 'task.tokens', samples: 5, percent: 300, cooldown: '0s' });

  it('compares the latest sample with the median of the previous ones', () => {
    const evaluation = evaluateRule(tokens, perMinute([900, 1_000, 5_000, 1_000, 1_100, 3_100]), 6 * MINUTE);
    expect(evaluation).toEqual({ value: 310, breached: true, detail: 'task.tokens 3,100 = 310 % of median 1,000 ≥ 300 %' });
  });

  it('fires once per spike', () => {
    const points = perMinute([1_000, 1_000, 1_000, 3_500, 4_000, 1_000, 1_000, 3_000]);
    expect(fireMinutes(drive(tokens, points, sampleMinutes(points)))).toEqual([4, 8]);
  });

  it('respects the cooldown', () => {
    const cooled = rule({ kind: 'baseline', metric: 'task.tokens', samples: 5, percent: 300, cooldown: '15m' });
    const points = perMinute([1_000, 1_000, 1_000, 3_500, 1_000, 3_500, 1_000]);
    expect(fireMinutes(drive(cooled, points, sampleMinutes(points)))).toEqual([4]);
  });

  it('has no verdict on a zero median or too short a history', () => {
    expect(evaluateRule(tokens, perMinute([0, 0, 5, 0, 900]), 5 * MINUTE)).toEqual({
      value: null,
      breached: false,
      detail: 'median of the 4 previous samples of task.tokens is 0; no percentage of it to compare',
    });
    expect(evaluateRule(tokens, perMinute([1_000, 9_000]), 2 * MINUTE).detail).toBe(
      'only 1 sample of task.tokens before the latest; the baseline needs 3',
    );
  });

  it('uses a trailing window and the mean when asked', () => {
    const windowed = rule({ kind: 'baseline', metric: 'd', window: '5m', percent: 150, statistic: 'mean', minSamples: 2 });
    const points = perMinute([1, 1, 1, 1, 10, 10, 10, 40]);
    const evaluation = evaluateRule(windowed, points, 8 * MINUTE);
    expect(evaluation.value).toBeCloseTo((40 / 7.75) * 100);
    expect(evaluation.detail).toBe('d 40 = 516.13 % of mean 7.75 ≥ 150 %');
  });
});

describe('forecast trigger', () => {
  const disk = rule({ kind: 'forecast', metric: 'disk.used_pct', window: '30m', op: '>=', threshold: 90, horizon: '10m', cooldown: '0s' });

  it('warns when the least-squares trend crosses the threshold within the horizon', () => {
    const evaluation = evaluateRule(disk, perMinute([80, 81, 82, 83, 84, 85]), 6 * MINUTE);
    expect(evaluation.value).toBeCloseTo(95);
    expect(evaluation.breached).toBe(true);
    expect(evaluation.detail).toBe('disk.used_pct trend reaches 95 ≥ 90 in 10m, crossing in 5m');
  });

  it('stays quiet for a trend that does not get there', () => {
    const evaluation = evaluateRule(disk, perMinute([50, 50.5, 51]), 3 * MINUTE);
    expect(evaluation.breached).toBe(false);
    expect(evaluation.detail).toBe('disk.used_pct trend reaches 56 in 10m (fires when it would be ≥ 90 within 10m)');
  });

  it('fires once while the trend points at the threshold and again after it turned', () => {
    const recent = rule({ kind: 'forecast', metric: 'disk.used_pct', window: '5m', op: '>=', threshold: 90, horizon: '10m', cooldown: '0s' });
    const points = perMinute([70, 75, 80, 85, 80, 70, 60, 50, 60, 75, 90]);
    expect(fireMinutes(drive(recent, points, sampleMinutes(points)))).toEqual([3, 11]);
  });

  it('respects the cooldown', () => {
    const cooled = rule({ kind: 'forecast', metric: 'x', window: '5m', op: '<', threshold: 10, horizon: '5m', cooldown: '1h' });
    const points = perMinute([40, 30, 20, 40, 40, 40, 40, 40, 40, 30, 20, 10]);
    expect(fireMinutes(drive(cooled, points, sampleMinutes(points)))).toEqual([3]);
  });

  it('says when a value is already past the threshold', () => {
    expect(evaluateRule(disk, perMinute([91, 92, 93]), 3 * MINUTE).detail).toBe('disk.used_pct trend is already 93 ≥ 90 (horizon 10m)');
  });

  it('has no verdict on a single sample or samples that all share one time', () => {
    expect(evaluateRule(disk, perMinute([99]), MINUTE)).toEqual({
      value: null,
      breached: false,
      detail: 'only 1 sample of disk.used_pct in the last 30m; a forecast needs 3',
    });
    const sameTime = [99, 98, 97].map((value) => ({ time: MINUTE, value }));
    expect(evaluateRule(disk, sameTime, MINUTE).detail).toBe('all 3 samples of disk.used_pct in the last 30m share one time; no trend');
  });
});

describe('decideFire', () => {
  it('keeps plain data and explains the cooldown', () => {
    const decision = decideFire({ breached: false, lastFiredAt: 0 }, { value: 9, breached: true }, 5 * MINUTE, 15 * MINUTE);
    expect(decision).toEqual({
      fire: false,
      nextState: { breached: false, lastFiredAt: 0 },
      reason: 'cooling-down',
      explanation: 'breached, but the cooldown has 10m left',
    });
    expect(JSON.parse(JSON.stringify(decision.nextState))).toEqual(decision.nextState);
  });

  it('records the fire time', () => {
    expect(decideFire({ breached: false, lastFiredAt: null }, { value: 9, breached: true }, 1_234, 0).nextState).toEqual({
      breached: true,
      lastFiredAt: 1_234,
    });
  });
});
