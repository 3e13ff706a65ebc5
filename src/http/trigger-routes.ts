import type { FastifyInstance } from 'fastify';
import { metricBatchSchema } from '../triggers/metric-batch-schema.js';
import type { TriggerEngine } from '../triggers/engine.js';
import { badRequest, issuesOf } from './errors.js';

/** `POST /api/v1/metrics` (samples and task telemetry) and `GET /api/v1/triggers` (rules, last values, last fires). */
export function registerTriggerRoutes(app: FastifyInstance, engine: TriggerEngine) {
  app.post('/api/v1/metrics', async (request, reply) => {
    const parsed = metricBatchSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, request, 'invalid metrics batch', issuesOf(parsed.error));
    const result = await engine.ingest(parsed.data);
    return reply.code(202).send(result);
  });
  app.get('/api/v1/triggers', async () => ({ triggers: await engine.list(), fires: await engine.fires(50) }));
}
