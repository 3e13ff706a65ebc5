import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/open.js';
import { heartbeats, type HeartbeatRow } from '../db/schema.js';
import type { HeartbeatConfig } from '../config/heartbeat-schema.js';
import type { AlertInput } from '../alerts/input.js';
import { formatDuration } from '../time/duration.js';

export type Signal = 'beat' | 'start' | 'fail';

/** Commits an alert (or its resolution) like any producer does; implemented by the intake service. */
export type RaiseAlert = (input: AlertInput) => Promise<unknown>;

export interface HeartbeatView {
  name: string;
  description: string | null;
  state: HeartbeatRow['state'];
  periodMs: number;
  graceMs: number;
  lastBeatAt: Date | null;
  lastStartAt: Date | null;
  lastFailAt: Date | null;
  lastMessage: string | null;
  beats: number;
  /** When it goes stale without a new beat. */
  dueBy: Date;
  downSince: Date | null;
}

/**
 * Heartbeats: cron jobs and services check in; silence for longer than period + grace raises an
 * alert, a failure report raises one at once, and the next good beat resolves it.
 */
export class Heartbeats {
  private readonly byName: Map<string, HeartbeatConfig>;

  constructor(
    private readonly db: Db,
    configs: HeartbeatConfig[],
    private readonly raise: RaiseAlert,
    private readonly log: Logger,
  ) {
    this.byName = new Map(configs.map((c) => [c.name, c]));
  }

  get(name: string): HeartbeatConfig | undefined {
    return this.byName.get(name);
  }

  /** Starts watching every configured heartbeat (kept rows keep their history across restarts). */
  watchAll(now = new Date()): void {
    for (const name of this.byName.keys()) {
      this.db.insert(heartbeats).values({ name, state: 'waiting', watchedSince: now }).onConflictDoNothing().run();
    }
  }

  async signal(name: string, signal: Signal, message: string | null, now = new Date()): Promise<HeartbeatView> {
    const config = this.byName.get(name)!;
    const before = this.row(name, now);
    const wasDown = before.state === 'stale' || before.state === 'failed';
    if (signal === 'start') {
      this.update(name, { state: 'running', lastStartAt: now });
    } else if (signal === 'beat') {
      this.update(name, { state: 'up', lastBeatAt: now, beats: before.beats + 1, downSince: null, lastMessage: message });
      if (wasDown) await this.raise(this.alert(config, 'resolved', `${name} checked in again`));
    } else {
      this.update(name, { state: 'failed', lastFailAt: now, lastMessage: message, downSince: before.downSince ?? now });
      await this.raise(this.alert(config, 'failed', `Heartbeat ${name} reported a failure`, message ?? 'the job called /fail'));
    }
    this.log.debug({ heartbeat: name, signal }, 'heartbeat signal');
    return this.view(config, this.row(name, now));
  }

  /** Marks every heartbeat past its deadline stale and raises its alert; returns the names that went stale. */
  async checkAll(now = new Date()): Promise<string[]> {
    const wentStale: string[] = [];
    for (const config of this.byName.values()) {
      const row = this.row(config.name, now);
      if (row.state === 'stale' || row.state === 'failed') continue;
      const due = this.dueBy(config, row);
      if (due.getTime() > now.getTime()) continue;
      this.update(config.name, { state: 'stale', downSince: due });
      const last = row.lastBeatAt ? `last beat ${row.lastBeatAt.toISOString()}` : `no beat since opsbot started watching at ${row.watchedSince.toISOString()}`;
      await this.raise(
        this.alert(
          config,
          'stale',
          `Heartbeat ${config.name} is late`,
          `${last}; expected every ${formatDuration(config.period)} (+${formatDuration(config.grace)} grace).`,
        ),
      );
      this.log.warn({ heartbeat: config.name }, 'heartbeat went stale');
      wentStale.push(config.name);
    }
    return wentStale;
  }

  /** The next moment any heartbeat can go stale, for the check job. */
  nextDeadline(now = new Date()): Date | null {
    const deadlines = [...this.byName.values()]
      .map((config) => ({ config, row: this.row(config.name, now) }))
      .filter(({ row }) => row.state !== 'stale' && row.state !== 'failed')
      .map(({ config, row }) => this.dueBy(config, row).getTime());
    return deadlines.length > 0 ? new Date(Math.min(...deadlines)) : null;
  }

  list(now = new Date()): HeartbeatView[] {
    return [...this.byName.values()].map((config) => this.view(config, this.row(config.name, now)));
  }

  private dueBy(config: HeartbeatConfig, row: HeartbeatRow): Date {
    const from = row.lastBeatAt ?? row.watchedSince;
    return new Date(from.getTime() + config.period + config.grace);
  }

  private view(config: HeartbeatConfig, row: HeartbeatRow): HeartbeatView {
    return {
      name: config.name,
      description: config.description ?? null,
      state: row.state,
      periodMs: config.period,
      graceMs: config.grace,
      lastBeatAt: row.lastBeatAt,
      lastStartAt: row.lastStartAt,
      lastFailAt: row.lastFailAt,
      lastMessage: row.lastMessage,
      beats: row.beats,
      dueBy: this.dueBy(config, row),
      downSince: row.downSince,
    };
  }

  private row(name: string, now: Date): HeartbeatRow {
    const found = this.db.select().from(heartbeats).where(eq(heartbeats.name, name)).get();
    if (found) return found;
    return this.db.insert(heartbeats).values({ name, state: 'waiting', watchedSince: now }).returning().get();
  }

  private update(name: string, set: Partial<HeartbeatRow>) {
    this.db.update(heartbeats).set(set).where(eq(heartbeats.name, name)).run();
  }

  private alert(config: HeartbeatConfig, kind: 'stale' | 'failed' | 'resolved', title: string, body?: string): AlertInput {
    return {
      severity: kind === 'failed' ? config.failSeverity : config.severity,
      title,
      ...(body ? { body } : {}),
      service: config.service ?? config.name,
      labels: { heartbeat: config.name },
      dedupKey: `opsbot:heartbeat:${config.name}`,
      status: kind === 'resolved' ? 'resolved' : 'firing',
      source: 'opsbot heartbeat',
    };
  }
}
