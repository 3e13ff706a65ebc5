import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { serviceEvents, services, type ServiceEventRow, type ServiceRow } from '../db/schema.js';

/** The SQLite side of the services: their current row and the event history uptime is computed from. */
export class ServiceRecords {
  constructor(readonly db: Db) {}

  /** The service's row, created (enabled) when it is new. */
  ensure(name: string, state: ServiceRow['state']): ServiceRow {
    const now = new Date();
    this.db.insert(services).values({ name, state, health: 'unknown', enabled: true, changedAt: now }).onConflictDoNothing().run();
    return this.get(name)!;
  }

  get(name: string): ServiceRow | undefined {
    return this.db.select().from(services).where(eq(services.name, name)).get();
  }

  list(): ServiceRow[] {
    return this.db.select().from(services).orderBy(services.name).all();
  }

  event(service: string, kind: string, up: boolean | null, detail: string | null, at = new Date()): void {
    this.db.insert(serviceEvents).values({ service, at, kind, up, detail }).run();
  }

  started(name: string, pid: number, at: Date): void {
    this.update(name, { state: 'running', pid, startedAt: at, changedAt: at });
    this.event(name, 'started', true, `pid ${pid}`, at);
  }

  exited(name: string, code: number | null, signal: NodeJS.Signals | null, at: Date): void {
    this.update(name, { pid: null, changedAt: at });
    this.event(name, 'exited', false, signal ? `killed by ${signal}` : `exit code ${code}`, at);
  }

  restarting(name: string, delayMs: number): void {
    const row = this.get(name);
    this.update(name, { state: 'backoff', restarts: (row?.restarts ?? 0) + 1, changedAt: new Date() });
    this.event(name, 'restarting', false, `in ${delayMs} ms`);
  }

  setProcess(name: string, state: ServiceRow['state'], detail: string, up: boolean): void {
    if (this.get(name)?.state === state) return;
    this.update(name, { state, changedAt: new Date(), ...(up ? {} : { pid: null }) });
    this.event(name, state, up, detail);
  }

  setHealth(name: string, health: ServiceRow['health'], detail: string): void {
    this.update(name, { health, lastProbeDetail: detail, changedAt: new Date() });
    this.event(name, health, health === 'healthy', detail);
  }

  noteProbe(name: string, detail: string): void {
    this.update(name, { lastProbeDetail: detail });
  }

  setEnabled(name: string, enabled: boolean, by: string): void {
    this.update(name, { enabled, changedAt: new Date() });
    this.event(name, enabled ? 'enabled' : 'disabled', null, `by ${by}`);
  }

  /** Who last switched the service on or off (`by` of `setEnabled`), if anyone did. */
  lastSwitchedBy(name: string): string | undefined {
    const row = this.db
      .select({ detail: serviceEvents.detail })
      .from(serviceEvents)
      .where(and(eq(serviceEvents.service, name), inArray(serviceEvents.kind, ['enabled', 'disabled'])))
      .orderBy(desc(serviceEvents.at), desc(serviceEvents.id))
      .limit(1)
      .get();
    return row?.detail?.replace(/^by /, '');
  }

  eventsSince(name: string, since: Date): ServiceEventRow[] {
    return this.db
      .select()
      .from(serviceEvents)
      .where(and(eq(serviceEvents.service, name), gte(serviceEvents.at, since)))
      .orderBy(desc(serviceEvents.id))
      .all();
  }

  private update(name: string, set: Partial<ServiceRow>) {
    this.db.update(services).set(set).where(eq(services.name, name)).run();
  }
}
