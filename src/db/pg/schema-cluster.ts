import { pgTable, integer, text, index, jsonb, primaryKey } from 'drizzle-orm/pg-core';
import { instant, int64, rowId } from './columns.js';

/* The PostgreSQL twin of src/db/schema-cluster.ts (instances, leases, dashboard sessions), with the same row types. */

export const instances = pgTable('instances', {
  name: text('name').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: instant('started_at').notNull(),
  lastBeatAt: instant('last_beat_at').notNull(),
  version: text('version').notNull(),
});

export const instanceRuns = pgTable(
  'instance_runs',
  {
    instance: text('instance').notNull(),
    startedAt: instant('started_at').notNull(),
    lastBeatAt: instant('last_beat_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.instance, t.startedAt] }), index('instance_runs_last_beat').on(t.lastBeatAt)],
);

export const dashboardRequests = pgTable(
  'dashboard_requests',
  {
    id: rowId(),
    at: instant('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('dashboard_requests_at').on(t.at)],
);

export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  token: int64('token').notNull(),
  acquiredAt: instant('acquired_at').notNull(),
  expiresAt: instant('expires_at').notNull(),
});

export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    id: text('id').primaryKey(),
    csrf: text('csrf').notNull(),
    user: text('user').notNull(),
    credential: text('credential', { enum: ['api-token', 'password'] }).notNull(),
    flash: jsonb('flash').$type<{ kind: 'ok' | 'error'; text: string }>(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('dashboard_sessions_expires').on(t.expiresAt)],
);
