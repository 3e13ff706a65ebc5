import { pgTable, integer, text, index, uniqueIndex, jsonb } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { RouteDecisionJson, SilenceMatcherJson, StepNotified } from '../schema.js';
import { instant, int64, rowId } from './columns.js';
import { PLATFORMS } from '../../shared/types.js';

/*
 * The PostgreSQL twin of src/db/schema.ts: the same tables, columns, indexes and defaults, and the same
 * row types (test/db-schema-parity.test.ts fails the typecheck when they drift). The comments on what
 * each table and column means live in the SQLite schema.
 */

export const alerts = pgTable(
  'alerts',
  {
    id: rowId(),
    severity: text('severity', { enum: ['INFO', 'WARN', 'CRIT'] }).notNull(),
    title: text('title').notNull(),
    body: text('body'),
    service: text('service'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    dedupKey: text('dedup_key'),
    source: text('source'),
    link: text('link'),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    count: integer('count').notNull().default(1),
    revision: integer('revision').notNull().default(1),
    route: jsonb('route').$type<RouteDecisionJson>().notNull(),
    firedAt: instant('fired_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    acceptedAt: instant('accepted_at').notNull(),
    ackedAt: instant('acked_at'),
    ackedBy: text('acked_by'),
    resolvedAt: instant('resolved_at'),
    resolvedBy: text('resolved_by'),
    silenceId: int64('silence_id'),
    /** The firing alert whose inhibition rule holds this alert's messages back, while one does (Alertmanager's inhibitRules). */
    inhibitedBy: int64('inhibited_by'),
  },
  (t) => [
    index('alerts_dedup_firing').on(t.dedupKey, t.status),
    /**
     * One firing alert per dedup key, whichever instance accepts it: a second insert fails and its batch
     * runs again. PostgreSQL only (postgres-only.ts): a SQLite store serves one instance, whose
     * transactions run one at a time, and the index would cost every intake there for a race that cannot happen.
     */
    uniqueIndex('alerts_one_firing_per_dedup_key').on(t.dedupKey).where(sql`${t.status} = 'firing' and ${t.dedupKey} is not null`),
    index('alerts_status_severity').on(t.status, t.severity),
    index('alerts_service').on(t.service),
    index('alerts_inhibited_by').on(t.inhibitedBy),
  ],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: rowId(),
    alertId: int64('alert_id')
      .notNull()
      .references(() => alerts.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    destination: text('destination').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'summarized', 'failed', 'silenced', 'inhibited'] }).notNull(),
    messageId: text('message_id'),
    summaryId: int64('summary_id'),
    syncedRevision: integer('synced_revision').notNull().default(0),
    resolveReplyId: text('resolve_reply_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
    claimedAt: instant('claimed_at'),
    claimedBy: text('claimed_by'),
  },
  (t) => [
    index('deliveries_alert_state').on(t.alertId, t.state),
    index('deliveries_dest_state').on(t.platform, t.destination, t.state),
    index('deliveries_state').on(t.state),
  ],
);

export const summaries = pgTable(
  'summaries',
  {
    id: rowId(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    destination: text('destination').notNull(),
    state: text('state', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    alertCount: integer('alert_count').notNull(),
    messageId: text('message_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
    claimedAt: instant('claimed_at'),
    claimedBy: text('claimed_by'),
    revision: integer('revision').notNull().default(0),
    syncedRevision: integer('synced_revision').notNull().default(0),
    groupKey: text('group_key'),
    groupLabels: jsonb('group_labels').$type<Record<string, string>>(),
    notBefore: instant('not_before'),
  },
  (t) => [index('summaries_state').on(t.state), index('summaries_group').on(t.platform, t.destination, t.groupKey)],
);

export const escalationSteps = pgTable(
  'escalation_steps',
  {
    id: rowId(),
    alertId: int64('alert_id')
      .notNull()
      .references(() => alerts.id),
    policy: text('policy').notNull(),
    level: integer('level').notNull(),
    repeat: integer('repeat').notNull().default(0),
    dueAt: instant('due_at').notNull(),
    state: text('state', { enum: ['pending', 'done', 'cancelled'] }).notNull(),
    notified: jsonb('notified').$type<StepNotified>().notNull().default({ sent: [], failed: [] }),
    attempts: integer('attempts').notNull().default(0),
    detail: text('detail'),
    doneAt: instant('done_at'),
    claimedAt: instant('claimed_at'),
    claimedBy: text('claimed_by'),
  },
  (t) => [index('escalation_steps_alert').on(t.alertId), index('escalation_steps_state').on(t.state, t.dueAt)],
);

export const silences = pgTable(
  'silences',
  {
    id: rowId(),
    matchers: jsonb('matchers').$type<SilenceMatcherJson[]>().notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    removedAt: instant('removed_at'),
    removedBy: text('removed_by'),
  },
  (t) => [index('silences_ends').on(t.endsAt)],
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: rowId(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    destination: text('destination').notNull(),
    minSeverity: text('min_severity', { enum: ['INFO', 'WARN', 'CRIT'] }).notNull(),
    services: jsonb('services').$type<string[]>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [uniqueIndex('subscriptions_destination').on(t.platform, t.destination)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: rowId(),
    at: instant('at').notNull(),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    userName: text('user_name'),
    chatId: text('chat_id'),
    via: text('via', { enum: ['command', 'button', 'dashboard', 'api'] }).notNull(),
    command: text('command').notNull(),
    args: jsonb('args').$type<Record<string, string>>().notNull(),
    result: text('result', { enum: ['ok', 'refused', 'invalid', 'error'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

export * from './schema-ops.js';
export * from './schema-cluster.js';
