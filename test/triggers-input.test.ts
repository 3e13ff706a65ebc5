import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { describeRule } from '../src/triggers/describe.js';
import { evaluateRule } from '../src/triggers/evaluate.js';
import { decideFire, INITIAL_FIRE_STATE } from '../src/triggers/fire-state.js';
import { metricBatchSchema } from '../src/triggers/metric-batch-schema.js';
import { triggerRulesSchema, type TriggerRule } from '../src/config/trigger-schema.js';
import { historyNeeded, selectSeries } from '../src/triggers/series.js';
import { samplesFromBatch, TASK_METRICS } from '../src/triggers/telemetry.js';
import { renderTriggerTitle } from '../src/triggers/title.js';
import { formatIssuePath } from '../src/validation.js';
import { MINUTE, rule } from './helpers/triggers.js';

function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
}

const base = { name: 'a', metric: 'm', severity: 'WARN' };

describe('trigger rule schema', () => {
  it('names the field of every mistake', () => {
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'threshold', op: '>=', value: 1, windw: '5m' }])).toEqual([
      '[0]: Unrecognized key: "windw"',
    ]);
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'spike' }])).toEqual([
      "[0].kind: must be one of 'threshold', 'rate', 'baseline', 'forecast'",
    ]);
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'threshold', op: '=>', value: 'x', cooldown: '15 minutes', severity: 'HIGH' }])).toEqual([
      '[0].severity: must be one of INFO, WARN, CRIT',
      '[0].cooldown: "15 minutes" is not a duration like 90s, 10m, 1h30m or 2d',
      "[0].op: must be one of '>=', '>', '<=', '<'",
      '[0].value: must be a number',
    ]);
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'rate', op: '>', value: 1, window: '0s', as: 'share' }])).toEqual([
      '[0].window: must be longer than 0s',
      "[0].as: must be 'percent' or 'count'",
    ]);
  });

  it('wants exactly one of window and samples for a baseline', () => {
    const expected = ['[0].window: a baseline rule needs exactly one of window (e.g. 1h) or samples (e.g. 20)'];
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'baseline', percent: 150 }])).toEqual(expected);
    expect(problems(triggerRulesSchema, [{ ...base, kind: 'baseline', percent: 150, samples: 3, window: '1h' }])).toEqual(expected);
  });

  it('refuses duplicate names and unknown title placeholders', () => {
    const threshold = { ...base, kind: 'threshold', op: '>', value: 1 };
    expect(problems(triggerRulesSchema, [{ ...threshold, title: '{rule} on {host}' }, threshold])).toEqual([
      '[0].title: unknown placeholder {host}; use {rule}, {metric}, {value}, {detail}, {severity} or {labels.NAME}',
      '[1].name: duplicate rule name "a"',
    ]);
  });

  it('fills in defaults: a 15m cooldown and the restart heal action', () => {
    const [parsed] = triggerRulesSchema.parse([{ ...base, kind: 'threshold', op: '>', value: 1, heal: { service: 'worker' } }]);
    expect(parsed).toMatchObject({ cooldown: 15 * MINUTE, heal: { service: 'worker', action: 'restart' } });
  });
});

describe('metric batch', () => {
  it('names the field of every mistake', () => {
    const body = { tasks: [{ task: 'build', duration: 5 }], metrics: [{ name: 'x', value: Infinity, time: 'yesterday' }] };
    expect(problems(metricBatchSchema, body)).toEqual([
      'metrics[0].value: must be a number',
      'metrics[0].time: must be an ISO 8601 time with offset (2024-05-01T12:00:00Z) or epoch milliseconds',
      'tasks[0]: Unrecognized key: "duration"',
    ]);
    expect(problems(metricBatchSchema, { tasks: [{ task: 'b', labels: { task: 'c' } }] })).toEqual([
      'tasks[0].labels: the `task` label is set from the task field; leave it out of labels',
    ]);
  });

  it('refuses an empty or oversized batch', () => {
    expect(problems(metricBatchSchema, {})).toEqual([': send at least one entry in metrics or tasks']);
    const many = Array.from({ length: 1_001 }, () => ({ name: 'x', value: 1 }));
    expect(problems(metricBatchSchema, { metrics: many })).toEqual(['metrics: at most 1000 metric samples per request']);
  });

  it('turns task events into task.* samples labelled with the task', () => {
    const batch = metricBatchSchema.parse({
      metrics: [{ name: 'queue.depth', value: 12, labels: { queue: 'mail' } }],
      tasks: [
        { task: 'build', durationMs: 75_000, attempts: 3, error: 'exit 1', tokens: 1_200, costUsd: 0.73, tests: { passed: 95, failed: 5 }, time: '2024-05-01T12:00:00Z', labels: { env: 'prod' } },
        { task: 'lint', tests: { passed: 0, failed: 0 }, time: 1_000 },
      ],
    });
    const at = Date.parse('2024-05-01T12:00:00Z');
    const build = { env: 'prod', task: 'build' };
    expect(samplesFromBatch(batch, 42)).toEqual([
      { name: 'queue.depth', value: 12, labels: { queue: 'mail' }, time: 42 },
      { name: TASK_METRICS.error, value: 1, labels: build, time: at },
      { name: 'task.duration_s', value: 75, labels: build, time: at },
      { name: 'task.retries', value: 2, labels: build, time: at },
      { name: 'task.tokens', value: 1_200, labels: build, time: at },
      { name: 'task.cost_usd', value: 0.73, labels: build, time: at },
      { name: 'task.test_failure_pct', value: 5, labels: build, time: at },
      { name: 'task.error', value: 0, labels: { task: 'lint' }, time: 1_000 },
    ]);
  });
});

describe('series and titles', () => {
  const samples = [
    { name: 'task.duration_s', value: 80, labels: { task: 'b', env: 'prod' }, time: 2 },
    { name: 'task.duration_s', value: 10, labels: { task: 'a', env: 'prod' }, time: 3 },
    { name: 'task.duration_s', value: 20, labels: { task: 'a', env: 'prod' }, time: 1 },
    { name: 'task.duration_s', value: 99, labels: { task: 'a', env: 'dev' }, time: 4 },
    { name: 'task.tokens', value: 5, labels: { task: 'a', env: 'prod' }, time: 5 },
  ];

  it('selects the metric and label filter, one series per groupBy value, ordered by time', () => {
    const slow = rule({ kind: 'threshold', metric: 'task.duration_s', op: '>=', value: 60, labels: { env: 'prod' }, groupBy: ['task'] });
    expect(selectSeries(slow, samples)).toEqual([
      { key: 'task=a', labels: { task: 'a' }, points: [{ time: 1, value: 20 }, { time: 3, value: 10 }] },
      { key: 'task=b', labels: { task: 'b' }, points: [{ time: 2, value: 80 }] },
    ]);
    expect(selectSeries(rule({ kind: 'threshold', metric: 'task.tokens', op: '>', value: 1 }), samples)).toEqual([
      { key: '', labels: {}, points: [{ time: 5, value: 5 }] },
    ]);
  });

  it('says how much history each kind reads', () => {
    expect(historyNeeded(rule({ kind: 'threshold', op: '>', value: 1 }))).toEqual({ latest: 1 });
    expect(historyNeeded(rule({ kind: 'baseline', samples: 20, percent: 150 }))).toEqual({ latest: 21 });
    expect(historyNeeded(rule({ kind: 'baseline', window: '1h', percent: 150 }))).toEqual({ windowMs: 60 * MINUTE });
    expect(historyNeeded(rule({ kind: 'rate', window: '10m', op: '>', value: 1, as: 'count' }))).toEqual({ windowMs: 10 * MINUTE });
  });

  it('renders the title template, or `{rule}: {detail}`', () => {
    const evaluation = { value: 75, detail: 'task.duration_s 75 ≥ 60' };
    const slow = rule({ kind: 'threshold', op: '>=', value: 60, name: 'slow', title: '{severity} {labels.task} {labels.host}: {value}' });
    expect(renderTriggerTitle({ rule: slow, evaluation, labels: { task: 'build' } })).toBe('WARN build ?: 75');
    expect(renderTriggerTitle({ rule: { ...slow, title: undefined }, evaluation, labels: {} })).toBe('slow: task.duration_s 75 ≥ 60');
  });
});

describe('the seven runbook rules', () => {
  const rules = triggerRulesSchema.parse(parse(readFileSync('src/triggers/runbook-rules.yaml', 'utf8')).triggers);
  const byName = (name: string): TriggerRule => rules.find((candidate) => candidate.name === name)!;

  /** Posts the task events (one per minute) and evaluates the rule at the last one: the details of the series that fire. */
  function fires(ruleName: string, tasks: Array<Record<string, unknown>>): string[] {
    const triggerRule = byName(ruleName);
    const batch = metricBatchSchema.parse({ tasks: tasks.map((task, i) => ({ task: 'build', time: (i + 1) * MINUTE, ...task })) });
    const now = tasks.length * MINUTE;
    return selectSeries(triggerRule, samplesFromBatch(batch, now)).flatMap((series) => {
      const evaluation = evaluateRule(triggerRule, series.points, now);
      return decideFire(INITIAL_FIRE_STATE, evaluation, now, triggerRule.cooldown).fire ? [evaluation.detail] : [];
    });
  }

  const repeat = (count: number, task: Record<string, unknown>) => Array.from({ length: count }, () => task);

  it('parse, in the runbook order', () => {
    expect(rules.map((candidate) => `${candidate.name} ${candidate.kind} ${candidate.severity}`)).toEqual([
      'slow_tasks threshold WARN',
      'high_retry_rate rate WARN',
      'high_error_rate rate CRIT',
      'token_usage_spike baseline WARN',
      'cost_efficiency_degradation threshold WARN',
      'test_failure_spike threshold CRIT',
      'duration_increase baseline WARN',
    ]);
  });

  it('describe themselves in one line each', () => {
    expect(rules.map(describeRule)).toEqual([
      'task.duration_s ≥ 60, per task; cooldown 15m',
      'task.retries total ≥ 3 over 10m, per task; cooldown 15m',
      'share of non-zero task.error ≥ 20 % over 10m; cooldown 30m; heals worker/restart',
      'task.tokens ≥ 300 % of the median of the previous 20 samples, per task; cooldown 15m',
      'task.cost_usd > 0.5, per task; cooldown 15m',
      'task.test_failure_pct > 5, per task; cooldown 15m',
      'task.duration_s ≥ 150 % of the median of the previous 20 samples, per task; cooldown 15m',
    ]);
    const forecast = rule({ kind: 'forecast', metric: 'disk.used_pct', window: '30m', op: '>=', threshold: 90, horizon: '2h', labels: { host: 'db1' }, cooldown: '1h' });
    expect(describeRule(forecast)).toBe('disk.used_pct trend over 30m ≥ 90 within 2h where host=db1; cooldown 1h');
  });

  it('slow tasks ≥ 60 s', () => {
    expect(fires('slow_tasks', [{ durationMs: 75_000 }])).toEqual(['task.duration_s 75 ≥ 60']);
    expect(fires('slow_tasks', [{ durationMs: 59_000 }])).toEqual([]);
  });

  it('retries ≥ 3 in 10 minutes', () => {
    expect(fires('high_retry_rate', [{ attempts: 2 }, { attempts: 3 }])).toEqual(['task.retries total 3 over 10m ≥ 3 (2 samples)']);
    expect(fires('high_retry_rate', [{ attempts: 1 }, { attempts: 2 }, { attempts: 1 }])).toEqual([]);
  });

  it('error rate ≥ 20 % over 10 minutes, with at least 5 tasks', () => {
    expect(fires('high_error_rate', [...repeat(4, {}), { error: true }])).toEqual(['task.error rate 20 % over 10m ≥ 20 % (1 of 5 samples)']);
    expect(fires('high_error_rate', [...repeat(9, {}), { error: 'timeout' }])).toEqual([]);
    expect(fires('high_error_rate', repeat(4, { error: true }))).toEqual([]);
  });

  it('token usage 300 % of the median', () => {
    expect(fires('token_usage_spike', [...repeat(5, { tokens: 1_000 }), { tokens: 3_100 }])).toEqual([
      'task.tokens 3,100 = 310 % of median 1,000 ≥ 300 %',
    ]);
    expect(fires('token_usage_spike', [...repeat(5, { tokens: 1_000 }), { tokens: 2_500 }])).toEqual([]);
  });

  it('cost > $0.50 per task', () => {
    expect(fires('cost_efficiency_degradation', [{ costUsd: 0.73 }])).toEqual(['task.cost_usd 0.73 > 0.5']);
    expect(fires('cost_efficiency_degradation', [{ costUsd: 0.5 }])).toEqual([]);
  });

  it('test failures > 5 % of a run', () => {
    expect(fires('test_failure_spike', [{ tests: { passed: 90, failed: 10 } }])).toEqual(['task.test_failure_pct 10 > 5']);
    expect(fires('test_failure_spike', [{ tests: { passed: 95, failed: 5 } }])).toEqual([]);
  });

  it('duration ≥ 150 % of the median', () => {
    expect(fires('duration_increase', [...repeat(5, { durationMs: 10_000 }), { durationMs: 16_000 }])).toEqual([
      'task.duration_s 16 = 160 % of median 10 ≥ 150 %',
    ]);
    expect(fires('duration_increase', [...repeat(5, { durationMs: 10_000 }), { durationMs: 14_000 }])).toEqual([]);
  });
});
