import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import type { Routing } from '../routing/route.js';
import type { WorkSink } from '../shared/work.js';
import { testNotify } from '../operations/test-notify.js';
import { errorText, statement } from '../operations/wording.js';
import { apiActor } from './api-actor.js';
import { badRequest, issuesOf } from './errors.js';

const testNotifyBody = z.strictObject({
  route: z.string().trim().min(1).max(200).optional(),
  by: z.string().trim().min(1).max(200).optional(),
});

/** `POST /api/v1/test-notify`: a test alert through one route or all of them (see src/operations/test-notify.ts). */
export function registerTestNotifyRoute(app: FastifyInstance, deps: { store: Store; sink: WorkSink; routing: Routing }) {
  app.post('/api/v1/test-notify', async (request, reply) => {
    const body = testNotifyBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, request, 'invalid test-notify request', issuesOf(body.error));
    const { route, by = 'api' } = body.data;
    const result = await testNotify(deps, route, apiActor(deps.store, request.log, by, 'test-notify', route ? { route } : {}));
    if (result.kind === 'not-found') {
      return reply.code(404).send({ error: errorText(result), routes: deps.routing.routes.map((r) => r.name) });
    }
    return reply.code(202).send({ alert: result.alertId, destinations: result.destinations, message: statement(result) });
  });
}
