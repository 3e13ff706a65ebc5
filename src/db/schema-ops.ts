import { sqliteTable, integer, text, index, uniqueIndex, real, primaryKey } from 'drizzle-orm/sqlite-core';

/* The operations side of the store: heartbeats, watched services and heal runs, metric samples and triggers, reports. */

/** One step of a heal run: the action's or its rollback's, what it ran, and how it went. */
export interface HealStepJson {
  phase: 'action' | 'rollback';
  /** What ran: the command line, `POST <url>`, or `restart`. */
  step: string;
  ok: boolean;
  exitCode: number | null;
  detail: string;
  outputTail: string;
}

/** What opsbot has seen of each configured heartbeat. */
export const heartbeats = sqliteTable('heartbeats', {
  name: text('name').primaryKey(),
  state: text('state', { enum: ['waiting', 'up', 'running', 'stale', 'failed'] }).notNull(),
  /** When opsbot started watching it: a heartbeat that never beats goes stale counting from here. */
  watchedSince: integer('watched_since', { mode: 'timestamp_ms' }).notNull(),
  lastBeatAt: integer('last_beat_at', { mode: 'timestamp_ms' }),
  lastStartAt: integer('last_start_at', { mode: 'timestamp_ms' }),
  lastFailAt: integer('last_fail_at', { mode: 'timestamp_ms' }),
  lastMessage: text('last_message'),
  beats: integer('beats').notNull().default(0),
  /** Since when it has been stale or failed (null while fine). */
  downSince: integer('down_since', { mode: 'timestamp_ms' }),
});

/** The live state of each configured service, kept across restarts. */
export const services = sqliteTable('services', {
  name: text('name').primaryKey(),
  /** Process state: supervised ones run through starting/running/backoff/…; external ones are `external`. */
  state: text('state', { enum: ['starting', 'running', 'backoff', 'stopped', 'exited', 'fatal', 'external', 'down'] }).notNull(),
  health: text('health', { enum: ['unknown', 'healthy', 'unhealthy'] }).notNull(),
  /** Off for maintenance: no probes, no restarts, no alerts. */
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  pid: integer('pid'),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }),
  restarts: integer('restarts').notNull().default(0),
  lastProbeDetail: text('last_probe_detail'),
  changedAt: integer('changed_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Every state change, restart and health transition of a service: uptime is computed from these. */
export const serviceEvents = sqliteTable(
  'service_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    service: text('service').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    kind: text('kind').notNull(),
    /** Whether the service counts as up from this event on (for uptime), null when it says nothing about it. */
    up: integer('up', { mode: 'boolean' }),
    detail: text('detail'),
  },
  (t) => [index('service_events_service_at').on(t.service, t.at)],
);

/** One run of a heal action: who or what asked, what ran, what came out, and whether it worked. */
export const healRuns = sqliteTable(
  'heal_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    service: text('service').notNull(),
    action: text('action').notNull(),
    trigger: text('trigger', { enum: ['chat', 'rule', 'supervisor', 'probe', 'dashboard', 'api'] }).notNull(),
    triggeredBy: text('triggered_by').notNull(),
    state: text('state', { enum: ['running', 'verifying', 'succeeded', 'failed'] }).notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    durationMs: integer('duration_ms'),
    exitCode: integer('exit_code'),
    outputTail: text('output_tail'),
    verification: text('verification'),
    /** Each step run (the action's, then the rollback's), with its outcome and output tail. */
    steps: text('steps', { mode: 'json' }).$type<HealStepJson[]>(),
    /** After a failed action or verification: whether the rollback brought the service back (`rolled-back`) or did not. */
    rollback: text('rollback', { enum: ['rolled-back', 'rollback-failed'] }),
  },
  (t) => [index('heal_runs_service').on(t.service, t.startedAt), index('heal_runs_service_id').on(t.service, t.id)],
);

/** Metric samples and task telemetry, kept a week for the trigger rules' windows and baselines. */
export const metricSamples = sqliteTable(
  'metric_samples',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    value: real('value').notNull(),
    time: integer('time').notNull(),
  },
  (t) => [index('metric_samples_name_time').on(t.name, t.time), index('metric_samples_time').on(t.time)],
);

/** Each trigger rule's state per series: whether its breach has fired, when it last fired, what it last saw. */
export const triggerStates = sqliteTable(
  'trigger_states',
  {
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    breached: integer('breached', { mode: 'boolean' }).notNull(),
    lastFiredAt: integer('last_fired_at'),
    lastValue: real('last_value'),
    lastDetail: text('last_detail'),
    evaluatedAt: integer('evaluated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rule, t.seriesKey] })],
);

/** Every time a trigger rule fired, with the alert it raised and the heal run it started. */
export const triggerFires = sqliteTable(
  'trigger_fires',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    value: real('value'),
    detail: text('detail').notNull(),
    alertId: integer('alert_id'),
    healRunId: integer('heal_run_id'),
  },
  (t) => [index('trigger_fires_rule_at').on(t.rule, t.at)],
);

/** One ops cycle's report: when, the period it covers, where its files are, what failed while making it. */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    periodStart: integer('period_start', { mode: 'timestamp_ms' }).notNull(),
    trigger: text('trigger').notNull(),
    markdownPath: text('markdown_path').notNull(),
    jsonPath: text('json_path').notNull(),
    headline: text('headline').notNull(),
    failures: text('failures', { mode: 'json' }).$type<string[]>().notNull(),
  },
  (t) => [uniqueIndex('reports_name').on(t.name), index('reports_at').on(t.at)],
);

/** One repository measured by an ops cycle (code-growth governance): its figures, or why it could not be measured. */
export const codeMeasurements = sqliteTable(
  'code_measurements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    repository: text('repository').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** Set when the repository could not be measured (its path unreadable); the figures are then 0. */
    problem: text('problem'),
    files: integer('files').notNull(),
    lines: integer('lines').notNull(),
    largestFile: text('largest_file'),
    largestLines: integer('largest_lines').notNull(),
    filesOverLimit: integer('files_over_limit').notNull(),
    todoCount: integer('todo_count').notNull(),
    duplicatedLines: integer('duplicated_lines').notNull(),
    /** The longest files, longest first. */
    worst: text('worst', { mode: 'json' }).$type<Array<{ path: string; lines: number }>>().notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('code_measurements_repository_at').on(t.repository, t.at)],
);

export type HeartbeatRow = typeof heartbeats.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;
export type ServiceEventRow = typeof serviceEvents.$inferSelect;
export type HealRunRow = typeof healRuns.$inferSelect;
export type TriggerStateRow = typeof triggerStates.$inferSelect;
export type TriggerFireRow = typeof triggerFires.$inferSelect;
export type ReportRow = typeof reports.$inferSelect;
export type CodeMeasurementRow = typeof codeMeasurements.$inferSelect;
