import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import { checkNow, type CheckDeps } from '../operations/check.js';
import { statement } from '../operations/wording.js';
import { apiActor } from './api-actor.js';
import { badRequest, issuesOf } from './errors.js';

const checkBody = z.union([z.strictObject({ by: z.string().min(1).max(200).optional() }), z.undefined(), z.null()]);

/** `POST /api/v1/check`: every probe, heartbeat check and trigger rule now, as `/check` in chat; `healthy` says whether anything is wrong. */
export function registerCheckRoute(app: FastifyInstance, store: Store, deps: CheckDeps) {
  app.post('/api/v1/check', async (request, reply) => {
    const body = checkBody.safeParse(request.body ?? undefined);
    if (!body.success) return badRequest(reply, request, 'invalid check request', issuesOf(body.error));
    const result = await checkNow(deps, apiActor(store, request.log, body.data?.by ?? 'api', 'check', {}));
    return { ...result, message: statement(result) };
  });
}
