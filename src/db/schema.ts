import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

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
    state: text('state', { enum: ['pending', 'sending', 'sent', 'summarized', 'failed'] }).notNull(),
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
  },
  (t) => [index('summaries_state').on(t.state)],
);

export type AlertRow = typeof alerts.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type SummaryRow = typeof summaries.$inferSelect;
