import { sqliteTable, integer, text, index, uniqueIndex, real, primaryKey } from 'drizzle-orm/sqlite-core';

/** One firing episode of an alert. A dedup bump or a resolution raises `revision`. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    severity: text('severity', { enum: ['INFO', 'WARN', 'CRIT'] }).notNull(),
    title: text('title').notNull(),
    body: text('body'),
    service: text('service'),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    dedupKey: text('dedup_key'),
    source: text('source'),
    link: text('link'),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    count: integer('count').notNull().default(1),
    revision: integer('revision').notNull().default(1),
    route: text('route', { mode: 'json' }).$type<RouteDecisionJson>().notNull(),
    firedAt: integer('fired_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    acceptedAt: integer('accepted_at', { mode: 'timestamp_ms' }).notNull(),
    ackedAt: integer('acked_at', { mode: 'timestamp_ms' }),
    ackedBy: text('acked_by'),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    resolvedBy: text('resolved_by'),
    /** The silence holding this alert's messages back, while one does. */
    silenceId: integer('silence_id'),
  },
  (t) => [
    index('alerts_dedup_firing').on(t.dedupKey, t.status),
    index('alerts_status_severity').on(t.status, t.severity),
    index('alerts_service').on(t.service),
  ],
);

export interface RouteDecisionJson {
  matched: string[];
  usedDefault: boolean;
  destinations: Array<{ platform: 'discord' | 'telegram'; destination: string; via: string }>;
  /** The escalation policy this alert climbs, or null when it does not escalate. */
  escalation?: string | null;
}

/**
 * One per alert × destination. `sending` is the claim a worker takes before posting on its own,
 * so a storm summary never swallows a message that is already on its way. `claimedAt` and
 * `claimedBy` (the claiming process, see src/delivery/claim-holder.ts) say whether a post attempt is
 * in flight: set when an attempt starts, cleared when it ends without a message.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    platform: text('platform', { enum: ['discord', 'telegram'] }).notNull(),
    destination: text('destination').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'summarized', 'failed', 'silenced'] }).notNull(),
    messageId: text('message_id'),
    summaryId: integer('summary_id'),
    syncedRevision: integer('synced_revision').notNull().default(0),
    resolveReplyId: text('resolve_reply_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    claimedBy: text('claimed_by'),
  },
  (t) => [
    index('deliveries_alert').on(t.alertId),
    index('deliveries_dest_state').on(t.platform, t.destination, t.state),
    index('deliveries_state').on(t.state),
  ],
);

/** Alerts for one destination combined into one message during a storm; claimed like a delivery while posted. */
export const summaries = sqliteTable(
  'summaries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: ['discord', 'telegram'] }).notNull(),
    destination: text('destination').notNull(),
    state: text('state', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    alertCount: integer('alert_count').notNull(),
    messageId: text('message_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    claimedBy: text('claimed_by'),
    /** Bumped whenever one of its alerts changes (dedup bump, ack, resolution); the message is edited up to it. */
    revision: integer('revision').notNull().default(0),
    syncedRevision: integer('synced_revision').notNull().default(0),
  },
  (t) => [index('summaries_state').on(t.state)],
);

/** One rung of an alert's escalation ladder, planned when the alert fires. */
export const escalationSteps = sqliteTable(
  'escalation_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    policy: text('policy').notNull(),
    level: integer('level').notNull(),
    /** 0 for the level's first notice, 1… for its repeats. */
    repeat: integer('repeat').notNull().default(0),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    state: text('state', { enum: ['pending', 'done', 'cancelled'] }).notNull(),
    /** Destinations notified (and those that refused), as `platform:id`, so a re-run never posts twice. */
    notified: text('notified', { mode: 'json' }).$type<StepNotified>().notNull().default({ sent: [], failed: [] }),
    attempts: integer('attempts').notNull().default(0),
    detail: text('detail'),
    doneAt: integer('done_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('escalation_steps_alert').on(t.alertId), index('escalation_steps_state').on(t.state, t.dueAt)],
);

export interface StepNotified {
  sent: string[];
  failed: Array<{ target: string; reason: string }>;
}

export interface SilenceMatcherJson {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Alertmanager-style silences, created from chat. */
export const silences = sqliteTable(
  'silences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    matchers: text('matchers', { mode: 'json' }).$type<SilenceMatcherJson[]>().notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    removedAt: integer('removed_at', { mode: 'timestamp_ms' }),
    removedBy: text('removed_by'),
  },
  (t) => [index('silences_ends').on(t.endsAt)],
);

/** A chat (or Discord channel) that opted in to alerts from chat. */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: ['discord', 'telegram'] }).notNull(),
    destination: text('destination').notNull(),
    minSeverity: text('min_severity', { enum: ['INFO', 'WARN', 'CRIT'] }).notNull(),
    /** Empty means every service. */
    services: text('services', { mode: 'json' }).$type<string[]>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('subscriptions_destination').on(t.platform, t.destination)],
);

/** Every chat command, button press and dashboard action, allowed or refused. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name'),
    chatId: text('chat_id'),
    via: text('via', { enum: ['command', 'button', 'dashboard', 'api'] }).notNull(),
    command: text('command').notNull(),
    args: text('args', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    result: text('result', { enum: ['ok', 'refused', 'invalid', 'error'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

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

export type AlertRow = typeof alerts.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type SummaryRow = typeof summaries.$inferSelect;
export type EscalationStepRow = typeof escalationSteps.$inferSelect;
export type SilenceRow = typeof silences.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type HeartbeatRow = typeof heartbeats.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;
export type ServiceEventRow = typeof serviceEvents.$inferSelect;
export type HealRunRow = typeof healRuns.$inferSelect;
export type TriggerStateRow = typeof triggerStates.$inferSelect;
export type TriggerFireRow = typeof triggerFires.$inferSelect;
export type ReportRow = typeof reports.$inferSelect;
