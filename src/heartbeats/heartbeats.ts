import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { HeartbeatRow } from '../db/schema.js';
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
    private readonly store: Store,
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
  async watchAll(now = new Date()): Promise<void> {
    const names = [...this.byName.keys()];
    if (names.length === 0) return;
    const rows = names.map((name) => ({ name, state: 'waiting' as const, watchedSince: now }));
    await this.store.transaction((tx) => tx.insert(this.store.t.heartbeats).values(rows).onConflictDoNothing());
  }

  async signal(name: string, signal: Signal, message: string | null, now = new Date()): Promise<HeartbeatView> {
    const config = this.byName.get(name)!;
    const { before, after } = await this.store.transaction(async (tx) => {
      const row = await this.row(tx, name, now);
      return { before: row, after: await this.update(tx, name, this.change(row, signal, message, now)) };
    });
    const wasDown = before.state === 'stale' || before.state === 'failed';
    if (signal === 'beat' && wasDown) await this.raise(this.alert(config, 'resolved', `${name} checked in again`));
    if (signal === 'fail') await this.raise(this.alert(config, 'failed', `Heartbeat ${name} reported a failure`, message ?? 'the job called /fail'));
    this.log.debug({ heartbeat: name, signal }, 'heartbeat signal');
    return this.view(config, after);
  }

  /** What a signal changes on the row it found. */
  private change(before: HeartbeatRow, signal: Signal, message: string | null, now: Date): Partial<HeartbeatRow> {
    if (signal === 'start') return { state: 'running', lastStartAt: now };
    if (signal === 'beat') return { state: 'up', lastBeatAt: now, beats: before.beats + 1, downSince: null, lastMessage: message };
    return { state: 'failed', lastFailAt: now, lastMessage: message, downSince: before.downSince ?? now };
  }

  /** Marks every heartbeat past its deadline stale and raises its alert; returns the names that went stale. */
  async checkAll(now = new Date()): Promise<string[]> {
    const wentStale: string[] = [];
    for (const config of this.byName.values()) {
      const row = await this.markStaleWhenDue(config, now);
      if (!row) continue;
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

  /**
   * Marks the heartbeat stale when it is past its deadline and not down already; returns the row it
   * had before, or undefined when it was not due. The row is locked, so two instances cannot both mark it.
   */
  private markStaleWhenDue(config: HeartbeatConfig, now: Date): Promise<HeartbeatRow | undefined> {
    return this.store.transaction(async (tx) => {
      const row = await this.row(tx, config.name, now);
      if (row.state === 'stale' || row.state === 'failed') return undefined;
      const due = this.dueBy(config, row);
      if (due.getTime() > now.getTime()) return undefined;
      await this.update(tx, config.name, { state: 'stale', downSince: due });
      return row;
    });
  }

  /** The next moment any heartbeat can go stale, for the check job. */
  async nextDeadline(now = new Date()): Promise<Date | null> {
    const deadlines = (await this.rows(now))
      .filter(({ row }) => row.state !== 'stale' && row.state !== 'failed')
      .map(({ config, row }) => this.dueBy(config, row).getTime());
    return deadlines.length > 0 ? new Date(Math.min(...deadlines)) : null;
  }

  async list(now = new Date()): Promise<HeartbeatView[]> {
    return (await this.rows(now)).map(({ config, row }) => this.view(config, row));
  }

  /** Every configured heartbeat with its row (a row not stored yet reads as waiting since `now`). */
  private async rows(now: Date): Promise<Array<{ config: HeartbeatConfig; row: HeartbeatRow }>> {
    const stored = new Map((await this.store.db.select().from(this.store.t.heartbeats)).map((row) => [row.name, row]));
    return [...this.byName.values()].map((config) => ({ config, row: stored.get(config.name) ?? unwatched(config.name, now) }));
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

  /** The heartbeat's row inside `tx`, locked until the transaction ends; created (waiting since `now`) when missing. */
  private async row(tx: Db, name: string, now: Date): Promise<HeartbeatRow> {
    const { heartbeats } = this.store.t;
    await tx.insert(heartbeats).values({ name, state: 'waiting', watchedSince: now }).onConflictDoNothing();
    const [found] = await forUpdate(tx.select().from(heartbeats).where(eq(heartbeats.name, name)));
    return found!;
  }

  private async update(tx: Db, name: string, set: Partial<HeartbeatRow>): Promise<HeartbeatRow> {
    const { heartbeats } = this.store.t;
    const [updated] = await tx.update(heartbeats).set(set).where(eq(heartbeats.name, name)).returning();
    return updated!;
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

function unwatched(name: string, now: Date): HeartbeatRow {
  return { name, state: 'waiting', watchedSince: now, lastBeatAt: null, lastStartAt: null, lastFailAt: null, lastMessage: null, beats: 0, downSince: null };
}
