import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { AuditRow } from '../db/schema.js';

export type AuditEntry = Omit<AuditRow, 'id'>;

/** Writes the entry; returns its id. */
export async function recordAudit(store: Store, entry: AuditEntry): Promise<number> {
  const { auditLog } = store.t;
  const [row] = await store.transaction((tx) => tx.insert(auditLog).values(entry).returning({ id: auditLog.id }));
  return row!.id;
}

/** Notes on a refusal's row how many refusals from that user it stands for. */
export async function recordRefusalCount(store: Store, auditId: number, refusals: number, windowMs: number): Promise<void> {
  const { auditLog } = store.t;
  const note = ` · ${refusals} refusals from this user within ${Math.round(windowMs / 1000)} s, counted on this row`;
  await store.transaction((tx) =>
    tx
      .update(auditLog)
      .set({ detail: sql`${auditLog.detail} || ${note}` })
      .where(eq(auditLog.id, auditId)),
  );
}

export interface AuditQuery {
  limit: number;
  /** Only entries older than this id (paging backwards). */
  before?: number;
  userId?: string;
  command?: string;
  result?: AuditRow['result'];
}

/** Newest first. */
export function listAudit(store: Store, query: AuditQuery): Promise<AuditRow[]> {
  const { auditLog } = store.t;
  const filters: SQL[] = [];
  if (query.before !== undefined) filters.push(lt(auditLog.id, query.before));
  if (query.userId !== undefined) filters.push(eq(auditLog.userId, query.userId));
  if (query.command !== undefined) filters.push(eq(auditLog.command, query.command));
  if (query.result !== undefined) filters.push(eq(auditLog.result, query.result));
  return store.db
    .select()
    .from(auditLog)
    .where(filters.length > 0 ? and(...filters) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}

/** What was done to one alert (every row whose `args.alert` names it: chat, buttons, API, dashboard), newest first. */
export function listAuditOfAlert(store: Store, alertId: number, limit = 100): Promise<AuditRow[]> {
  const { auditLog } = store.t;
  const named = store.dialect === 'postgres' ? sql`${auditLog.args} ->> 'alert'` : sql`json_extract(${auditLog.args}, '$.alert')`;
  return store.db
    .select()
    .from(auditLog)
    .where(sql`${named} = ${String(alertId)}`)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
