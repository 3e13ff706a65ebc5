import { pgTable, integer, text, index, uniqueIndex, doublePrecision, primaryKey, boolean, jsonb } from 'drizzle-orm/pg-core';
import { instant, int64, rowId } from './columns.js';
import type { HealStepJson } from '../schema-ops.js';

/*
 * The PostgreSQL twin of src/db/schema-ops.ts (heartbeats, services and heal runs, metric samples and
 * triggers, reports), with the same row types. SQLite's `real` is 8 bytes: `doublePrecision` here.
 */

export const heartbeats = pgTable('heartbeats', {
  name: text('name').primaryKey(),
  state: text('state', { enum: ['waiting', 'up', 'running', 'stale', 'failed'] }).notNull(),
  watchedSince: instant('watched_since').notNull(),
  lastBeatAt: instant('last_beat_at'),
  lastStartAt: instant('last_start_at'),
  lastFailAt: instant('last_fail_at'),
  lastMessage: text('last_message'),
  beats: integer('beats').notNull().default(0),
  downSince: instant('down_since'),
});

export const services = pgTable('services', {
  name: text('name').primaryKey(),
  state: text('state', { enum: ['starting', 'running', 'backoff', 'stopped', 'exited', 'fatal', 'external', 'down'] }).notNull(),
  health: text('health', { enum: ['unknown', 'healthy', 'unhealthy'] }).notNull(),
  enabled: boolean('enabled').notNull(),
  pid: integer('pid'),
  startedAt: instant('started_at'),
  restarts: integer('restarts').notNull().default(0),
  lastProbeDetail: text('last_probe_detail'),
  changedAt: instant('changed_at').notNull(),
});

export const serviceEvents = pgTable(
  'service_events',
  {
    id: rowId(),
    service: text('service').notNull(),
    at: instant('at').notNull(),
    kind: text('kind').notNull(),
    up: boolean('up'),
    detail: text('detail'),
  },
  (t) => [index('service_events_service_at').on(t.service, t.at)],
);

export const healRuns = pgTable(
  'heal_runs',
  {
    id: rowId(),
    service: text('service').notNull(),
    action: text('action').notNull(),
    trigger: text('trigger', { enum: ['chat', 'rule', 'supervisor', 'probe', 'dashboard', 'api'] }).notNull(),
    triggeredBy: text('triggered_by').notNull(),
    state: text('state', { enum: ['running', 'verifying', 'succeeded', 'failed'] }).notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    durationMs: int64('duration_ms'),
    exitCode: integer('exit_code'),
    outputTail: text('output_tail'),
    verification: text('verification'),
    steps: jsonb('steps').$type<HealStepJson[]>(),
    rollback: text('rollback', { enum: ['rolled-back', 'rollback-failed'] }),
  },
  (t) => [index('heal_runs_service').on(t.service, t.startedAt), index('heal_runs_service_id').on(t.service, t.id)],
);

export const metricSamples = pgTable(
  'metric_samples',
  {
    id: rowId(),
    name: text('name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    value: doublePrecision('value').notNull(),
    /** Epoch milliseconds. */
    time: int64('time').notNull(),
  },
  (t) => [index('metric_samples_name_time').on(t.name, t.time), index('metric_samples_time').on(t.time)],
);

export const triggerStates = pgTable(
  'trigger_states',
  {
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    breached: boolean('breached').notNull(),
    /** Epoch milliseconds. */
    lastFiredAt: int64('last_fired_at'),
    lastValue: doublePrecision('last_value'),
    lastDetail: text('last_detail'),
    /** Epoch milliseconds. */
    evaluatedAt: int64('evaluated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rule, t.seriesKey] })],
);

export const triggerFires = pgTable(
  'trigger_fires',
  {
    id: rowId(),
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    at: instant('at').notNull(),
    value: doublePrecision('value'),
    detail: text('detail').notNull(),
    alertId: int64('alert_id'),
    healRunId: int64('heal_run_id'),
  },
  (t) => [index('trigger_fires_rule_at').on(t.rule, t.at)],
);

export const reports = pgTable(
  'reports',
  {
    id: rowId(),
    name: text('name').notNull(),
    at: instant('at').notNull(),
    periodStart: instant('period_start').notNull(),
    trigger: text('trigger').notNull(),
    markdownPath: text('markdown_path').notNull(),
    jsonPath: text('json_path').notNull(),
    headline: text('headline').notNull(),
    failures: jsonb('failures').$type<string[]>().notNull(),
  },
  (t) => [uniqueIndex('reports_name').on(t.name), index('reports_at').on(t.at)],
);

export const codeMeasurements = pgTable(
  'code_measurements',
  {
    id: rowId(),
    repository: text('repository').notNull(),
    at: instant('at').notNull(),
    problem: text('problem'),
    files: integer('files').notNull(),
    lines: int64('lines').notNull(),
    largestFile: text('largest_file'),
    largestLines: integer('largest_lines').notNull(),
    filesOverLimit: integer('files_over_limit').notNull(),
    todoCount: integer('todo_count').notNull(),
    duplicatedLines: int64('duplicated_lines').notNull(),
    worst: jsonb('worst').$type<Array<{ path: string; lines: number }>>().notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('code_measurements_repository_at').on(t.repository, t.at)],
);
