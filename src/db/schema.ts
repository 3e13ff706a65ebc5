import { PLATFORMS, type Platform } from '../shared/types.js';
import type { Matcher } from '../shared/matcher-syntax.js';
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /** The firing alert whose inhibition rule holds this alert's messages back, while one does (Alertmanager's inhibitRules). */
    inhibitedBy: integer('inhibited_by'),
  },
  (t) => [
    index('alerts_dedup_firing').on(t.dedupKey, t.status),
    index('alerts_status_severity').on(t.status, t.severity),
    index('alerts_service').on(t.service),
    index('alerts_inhibited_by').on(t.inhibitedBy),
  ],
);

/** The group a destination of an alert joins: its route's `groupBy` labels with the alert's values. */
export interface GroupJson {
  /** Route name and label values: alerts with the same key share one message per destination. */
  key: string;
  labels: Record<string, string>;
  waitMs: number;
  intervalMs: number;
}

export interface RouteDecisionJson {
  matched: string[];
  usedDefault: boolean;
  destinations: Array<{ platform: Platform; destination: string; via: string; group?: GroupJson }>;
  /** The escalation policy this alert climbs, or null when it does not escalate. */
  escalation?: string | null;
}

/**
 * One per alert × destination. `sending` is the claim a worker takes before posting on its own,
 * so a storm summary never swallows a message that is already on its way. `claimedAt` and
 * `claimedBy` (the claiming process, see src/delivery/claim-lease.ts) say whether a post attempt is
 * in flight: set when an attempt starts, cleared when it ends without a message.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    destination: text('destination').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'summarized', 'failed', 'silenced', 'inhibited'] }).notNull(),
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
    index('deliveries_alert_state').on(t.alertId, t.state),
    index('deliveries_dest_state').on(t.platform, t.destination, t.state),
    index('deliveries_state').on(t.state),
  ],
);

/** Alerts for one destination combined into one message during a storm; claimed like a delivery while posted. */
export const summaries = sqliteTable(
  'summaries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
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
    /** A route's group (`groupBy`) instead of a storm: its key and labels; null for a storm summary. */
    groupKey: text('group_key'),
    groupLabels: text('group_labels', { mode: 'json' }).$type<Record<string, string>>(),
    /** Not posted before this time (a group's `groupWait`); null: at once. */
    notBefore: integer('not_before', { mode: 'timestamp_ms' }),
  },
  (t) => [index('summaries_state').on(t.state), index('summaries_group').on(t.platform, t.destination, t.groupKey)],
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
    /** The process taking the rung now and since when (src/escalation/step-claim.ts), so two never notify at once. */
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    claimedBy: text('claimed_by'),
  },
  (t) => [index('escalation_steps_alert').on(t.alertId), index('escalation_steps_state').on(t.state, t.dueAt)],
);

export interface StepNotified {
  sent: string[];
  failed: Array<{ target: string; reason: string }>;
}

export type SilenceMatcherJson = Matcher;

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
    platform: text('platform', { enum: PLATFORMS }).notNull(),
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

export type AlertRow = typeof alerts.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type SummaryRow = typeof summaries.$inferSelect;
export type EscalationStepRow = typeof escalationSteps.$inferSelect;
export type SilenceRow = typeof silences.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;

export * from './schema-ops.js';
export * from './schema-cluster.js';
