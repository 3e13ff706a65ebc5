import type { MetricBatch, TaskEvent } from './metric-batch-schema.js';

/** One stored metric sample: what rules evaluate. `time` is epoch milliseconds. */
export interface MetricSample {
  name: string;
  value: number;
  labels: Record<string, string>;
  time: number;
}

/** The metrics a task event becomes; each sample carries the label `task` = the task's name. */
export const TASK_METRICS = {
  /** Run time in seconds. */
  durationS: 'task.duration_s',
  /** Attempts − 1. */
  retries: 'task.retries',
  /** 1 when the task failed in the end, else 0; every task event has one, so it is also the task count. */
  error: 'task.error',
  tokens: 'task.tokens',
  costUsd: 'task.cost_usd',
  /** failed / (passed + failed) × 100 of the run's tests; absent when the run reported no tests. */
  testFailurePct: 'task.test_failure_pct',
} as const;

/** The samples one task event stands for; fields the event leaves out produce no sample (except `task.error`). */
export function samplesFromTask(event: TaskEvent, receivedAt: number): MetricSample[] {
  const labels = { ...event.labels, task: event.task };
  const time = event.time ?? receivedAt;
  const sample = (name: string, value: number): MetricSample => ({ name, value, labels, time });

  const samples = [sample(TASK_METRICS.error, event.error === undefined || event.error === false ? 0 : 1)];
  if (event.durationMs !== undefined) samples.push(sample(TASK_METRICS.durationS, event.durationMs / 1_000));
  if (event.attempts !== undefined) samples.push(sample(TASK_METRICS.retries, event.attempts - 1));
  if (event.tokens !== undefined) samples.push(sample(TASK_METRICS.tokens, event.tokens));
  if (event.costUsd !== undefined) samples.push(sample(TASK_METRICS.costUsd, event.costUsd));
  if (event.tests !== undefined) {
    const total = event.tests.passed + event.tests.failed;
    if (total > 0) samples.push(sample(TASK_METRICS.testFailurePct, (event.tests.failed / total) * 100));
  }
  return samples;
}

/** Every sample of a validated POST /api/v1/metrics body; entries without a time get `receivedAt`. */
export function samplesFromBatch(batch: MetricBatch, receivedAt: number): MetricSample[] {
  const metrics = (batch.metrics ?? []).map((metric) => ({
    name: metric.name,
    value: metric.value,
    labels: metric.labels ?? {},
    time: metric.time ?? receivedAt,
  }));
  return [...metrics, ...(batch.tasks ?? []).flatMap((task) => samplesFromTask(task, receivedAt))];
}
