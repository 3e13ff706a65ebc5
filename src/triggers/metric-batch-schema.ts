import { z } from 'zod';
import { labelMap, metricName } from '../config/trigger-schema.js';

export const MAX_METRICS_PER_BATCH = 1_000;
export const MAX_TASKS_PER_BATCH = 500;

/** When a sample was taken: an ISO 8601 time with offset or epoch milliseconds; absent means when it was received. */
const TIME_FORMAT = 'must be an ISO 8601 time with offset (2024-05-01T12:00:00Z) or epoch milliseconds';
const sampleTime = z
  .union([z.iso.datetime({ offset: true, error: TIME_FORMAT }), z.number({ error: TIME_FORMAT }).int(TIME_FORMAT).nonnegative(TIME_FORMAT)], {
    error: TIME_FORMAT,
  })
  .transform((time) => (typeof time === 'number' ? time : Date.parse(time)))
  .optional();

const count = z.number().int().nonnegative();

const metricSample = z.strictObject({
  name: metricName,
  value: z.number({ error: 'must be a number' }).finite(),
  labels: labelMap.optional(),
  time: sampleTime,
});

/** One finished task run, as a producer reports it. */
const taskEvent = z.strictObject({
  task: z.string().trim().min(1).max(200),
  durationMs: z.number().finite().nonnegative().optional(),
  /** Runs including the first one; 1 means no retry. */
  attempts: z.number().int().min(1).max(1_000).optional(),
  /** `true`, or the error message, when the task failed in the end. */
  error: z.union([z.boolean(), z.string().trim().min(1).max(2_000)], { error: 'must be true/false or the error message' }).optional(),
  tokens: count.optional(),
  costUsd: z.number().finite().nonnegative().optional(),
  /** Test results of the run, when the task ran tests. */
  tests: z.strictObject({ passed: count, failed: count }).optional(),
  labels: labelMap
    .refine((labels) => !('task' in labels), { message: 'the `task` label is set from the task field; leave it out of labels' })
    .optional(),
  time: sampleTime,
});

/** The body of POST /api/v1/metrics: metric samples, task telemetry events, or both. Unknown fields are refused. */
export const metricBatchSchema = z
  .strictObject({
    metrics: z.array(metricSample).max(MAX_METRICS_PER_BATCH, `at most ${MAX_METRICS_PER_BATCH} metric samples per request`).optional(),
    tasks: z.array(taskEvent).max(MAX_TASKS_PER_BATCH, `at most ${MAX_TASKS_PER_BATCH} task events per request`).optional(),
  })
  .refine((batch) => (batch.metrics?.length ?? 0) + (batch.tasks?.length ?? 0) > 0, {
    message: 'send at least one entry in metrics or tasks',
  });

export type MetricBatch = z.infer<typeof metricBatchSchema>;
export type MetricSampleInput = z.infer<typeof metricSample>;
export type TaskEvent = z.infer<typeof taskEvent>;
