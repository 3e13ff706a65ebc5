import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import { listAudit } from '../operations/audit-log.js';
import { badRequest, issuesOf } from './errors.js';

const auditQuery = z.strictObject({
  user: z.string().min(1).optional(),
  command: z.string().min(1).optional(),
  result: z.enum(['ok', 'refused', 'invalid', 'error']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** `GET /api/v1/audit`: every command and button press, newest first, with `next` for paging. */
export function registerAuditRoutes(app: FastifyInstance, store: Store) {
  app.get('/api/v1/audit', async (request, reply) => {
    const parsed = auditQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, request, 'invalid query', issuesOf(parsed.error));
    const { user, command, result, before, limit } = parsed.data;
    const entries = await listAudit(store, {
      limit,
      ...(before !== undefined ? { before } : {}),
      ...(user !== undefined ? { userId: user } : {}),
      ...(command !== undefined ? { command } : {}),
      ...(result !== undefined ? { result } : {}),
    });
    const last = entries.at(-1);
    return { entries, next: entries.length === limit && last ? last.id : null };
  });
}
