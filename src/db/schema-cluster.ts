import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';

/* The cluster side of the store: the instances sharing it, the leases they hold, the dashboard's sessions. */

/** Each opsbot instance that ever ran on this store (OPSBOT_INSTANCE), with its last sign of life. */
export const instances = sqliteTable('instances', {
  name: text('name').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  lastBeatAt: integer('last_beat_at', { mode: 'timestamp_ms' }).notNull(),
  version: text('version').notNull(),
});

/** Each run of each instance, from its start to its last beat: opsbot's own uptime, for the success criteria's longest downtime. */
export const instanceRuns = sqliteTable(
  'instance_runs',
  {
    instance: text('instance').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    lastBeatAt: integer('last_beat_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.instance, t.startedAt] }), index('instance_runs_last_beat').on(t.lastBeatAt)],
);

/** How long each dashboard page took to answer, kept a week: the success criteria's dashboard latency. */
export const dashboardRequests = sqliteTable(
  'dashboard_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('dashboard_requests_at').on(t.at)],
);

/** A lease one instance holds until `expires_at` (e.g. `leader`); `token` rises by one each time it changes hands (the fencing token). */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  token: integer('token').notNull(),
  acquiredAt: integer('acquired_at', { mode: 'timestamp_ms' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A dashboard login, shared by every instance: `id` is the hash of the cookie's token, never the token. */
export const dashboardSessions = sqliteTable(
  'dashboard_sessions',
  {
    id: text('id').primaryKey(),
    /** The per-session CSRF token every form carries. */
    csrf: text('csrf').notNull(),
    user: text('user').notNull(),
    /** Which credential opened it. */
    credential: text('credential', { enum: ['api-token', 'password'] }).notNull(),
    /** One message shown on the next page, whichever instance serves it. */
    flash: text('flash', { mode: 'json' }).$type<{ kind: 'ok' | 'error'; text: string }>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('dashboard_sessions_expires').on(t.expiresAt)],
);

export type InstanceRow = typeof instances.$inferSelect;
export type LeaseRow = typeof leases.$inferSelect;
export type DashboardSessionRow = typeof dashboardSessions.$inferSelect;
