import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { ServiceEventRow, ServiceRow } from '../db/schema.js';

/** The events that say a fallback instance took a service over (detail `by <instance> …`) and handed it back. */
export const TAKEN_OVER = 'taken-over';
export const HANDED_BACK = 'handed-back';

/** The stored side of the services: their current row and the event history uptime is computed from. */
export class ServiceRecords {
  constructor(readonly store: Store) {}

  /** The service's row, created (enabled) when it is new. */
  async ensure(name: string, state: ServiceRow['state']): Promise<ServiceRow> {
    const { services } = this.store.t;
    return this.store.transaction(async (tx) => {
      await tx.insert(services).values({ name, state, health: 'unknown', enabled: true, changedAt: new Date() }).onConflictDoNothing();
      const [row] = await tx.select().from(services).where(eq(services.name, name));
      return row!;
    });
  }

  async get(name: string): Promise<ServiceRow | undefined> {
    const { services } = this.store.t;
    const [row] = await this.store.db.select().from(services).where(eq(services.name, name)).limit(1);
    return row;
  }

  list(): Promise<ServiceRow[]> {
    const { services } = this.store.t;
    return this.store.db.select().from(services).orderBy(services.name);
  }

  async event(service: string, kind: string, up: boolean | null, detail: string | null, at = new Date()): Promise<void> {
    await this.store.transaction((tx) => this.insertEvent(tx, service, kind, up, detail, at));
  }

  async started(name: string, pid: number, at: Date): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.update(tx, name, { state: 'running', pid, startedAt: at, changedAt: at });
      await this.insertEvent(tx, name, 'started', true, `pid ${pid}`, at);
    });
  }

  async exited(name: string, code: number | null, signal: NodeJS.Signals | null, at: Date): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.update(tx, name, { pid: null, changedAt: at });
      await this.insertEvent(tx, name, 'exited', false, signal ? `killed by ${signal}` : `exit code ${code}`, at);
    });
  }

  async restarting(name: string, delayMs: number): Promise<void> {
    const { services } = this.store.t;
    await this.store.transaction(async (tx) => {
      const [row] = await forUpdate(tx.select({ restarts: services.restarts }).from(services).where(eq(services.name, name)));
      await this.update(tx, name, { state: 'backoff', restarts: (row?.restarts ?? 0) + 1, changedAt: new Date() });
      await this.insertEvent(tx, name, 'restarting', false, `in ${delayMs} ms`);
    });
  }

  async setProcess(name: string, state: ServiceRow['state'], detail: string, up: boolean): Promise<void> {
    const { services } = this.store.t;
    await this.store.transaction(async (tx) => {
      const [row] = await forUpdate(tx.select({ state: services.state }).from(services).where(eq(services.name, name)));
      if (row?.state === state) return;
      await this.update(tx, name, { state, changedAt: new Date(), ...(up ? {} : { pid: null }) });
      await this.insertEvent(tx, name, state, up, detail);
    });
  }

  async setHealth(name: string, health: ServiceRow['health'], detail: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.update(tx, name, { health, lastProbeDetail: detail, changedAt: new Date() });
      await this.insertEvent(tx, name, health, health === 'healthy', detail);
    });
  }

  async noteProbe(name: string, detail: string): Promise<void> {
    await this.store.transaction((tx) => this.update(tx, name, { lastProbeDetail: detail }));
  }

  async setEnabled(name: string, enabled: boolean, by: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.update(tx, name, { enabled, changedAt: new Date() });
      await this.insertEvent(tx, name, enabled ? 'enabled' : 'disabled', null, `by ${by}`);
    });
  }

  /** Who last switched the service on or off (`by` of `setEnabled`), if anyone did. */
  async lastSwitchedBy(name: string): Promise<string | undefined> {
    const { serviceEvents } = this.store.t;
    const [row] = await this.store.db
      .select({ detail: serviceEvents.detail })
      .from(serviceEvents)
      .where(and(eq(serviceEvents.service, name), inArray(serviceEvents.kind, ['enabled', 'disabled'])))
      .orderBy(desc(serviceEvents.at), desc(serviceEvents.id))
      .limit(1);
    return row?.detail?.replace(/^by /, '');
  }

  /** The fallback instance that took the service over and has not handed it back (its `taken-over` event names it), if any. */
  async takenOverBy(name: string): Promise<string | null> {
    const { serviceEvents } = this.store.t;
    const [row] = await this.store.db
      .select({ kind: serviceEvents.kind, detail: serviceEvents.detail })
      .from(serviceEvents)
      .where(and(eq(serviceEvents.service, name), inArray(serviceEvents.kind, [TAKEN_OVER, HANDED_BACK])))
      .orderBy(desc(serviceEvents.id))
      .limit(1);
    return row?.kind === TAKEN_OVER ? (/^by (\S+)/.exec(row.detail ?? '')?.[1] ?? null) : null;
  }

  eventsSince(name: string, since: Date): Promise<ServiceEventRow[]> {
    const { serviceEvents } = this.store.t;
    return this.store.db
      .select()
      .from(serviceEvents)
      .where(and(eq(serviceEvents.service, name), gte(serviceEvents.at, since)))
      .orderBy(desc(serviceEvents.id));
  }

  private async insertEvent(tx: Db, service: string, kind: string, up: boolean | null, detail: string | null, at = new Date()): Promise<void> {
    await tx.insert(this.store.t.serviceEvents).values({ service, at, kind, up, detail });
  }

  private async update(tx: Db, name: string, set: Partial<ServiceRow>): Promise<void> {
    const { services } = this.store.t;
    await tx.update(services).set(set).where(eq(services.name, name));
  }
}
