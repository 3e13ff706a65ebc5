import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { auditLog, type AuditRow } from '../db/schema.js';

export type AuditEntry = Omit<AuditRow, 'id'>;

export function recordAudit(db: Db, entry: AuditEntry): void {
  db.insert(auditLog).values(entry).run();
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
