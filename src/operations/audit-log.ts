import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { auditLog, type AuditRow } from '../db/schema.js';

export type AuditEntry = Omit<AuditRow, 'id'>;

/** Writes the entry; returns its id. */
export function recordAudit(db: Db, entry: AuditEntry): number {
  return Number(db.insert(auditLog).values(entry).run().lastInsertRowid);
}

/** Notes on a refusal's row how many refusals from that user it stands for. */
export function recordRefusalCount(db: Db, auditId: number, refusals: number, windowMs: number): void {
  db.update(auditLog)
    .set({ detail: sql`${auditLog.detail} || ${` · ${refusals} refusals from this user within ${Math.round(windowMs / 1000)} s, counted on this row`}` })
    .where(eq(auditLog.id, auditId))
    .run();
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
export function listAudit(db: Db, query: AuditQuery): AuditRow[] {
  const filters: SQL[] = [];
  if (query.before !== undefined) filters.push(lt(auditLog.id, query.before));
  if (query.userId !== undefined) filters.push(eq(auditLog.userId, query.userId));
  if (query.command !== undefined) filters.push(eq(auditLog.command, query.command));
  if (query.result !== undefined) filters.push(eq(auditLog.result, query.result));
  return db
    .select()
    .from(auditLog)
    .where(filters.length > 0 ? and(...filters) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(query.limit)
    .all();
}
