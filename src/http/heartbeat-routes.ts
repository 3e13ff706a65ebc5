import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Heartbeats, Signal } from '../heartbeats/heartbeats.js';
import { badRequest, issuesOf } from './errors.js';
import { bearerOf, refusedAsThrottled, sameSecret } from './auth.js';
import type { FailureThrottle } from './failure-throttle.js';

const params = z.strictObject({ name: z.string().min(1).max(100), signal: z.enum(['fail', 'start']).optional() });
const query = z.strictObject({ token: z.string().max(200).optional(), message: z.string().max(2_000).optional() });
const body = z.union([z.strictObject({ message: z.string().max(2_000).optional() }), z.undefined(), z.null()]);

/**
 * `POST` or `GET /api/v1/heartbeats/:name[/fail|/start]`: the API token as a bearer, or the
 * heartbeat's own token (`?token=` or `X-Heartbeat-Token`), so a cron job needs only curl.
 */
export function registerHeartbeatSignalRoutes(
  app: FastifyInstance,
  heartbeats: Heartbeats,
  apiToken: string | undefined,
  failures: FailureThrottle,
  afterSignal: () => Promise<void>,
) {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = params.safeParse(request.params);
    const q = query.safeParse(request.query);
    const b = body.safeParse(request.body ?? undefined);
    if (!p.success || !q.success || !b.success) {
      const error = !p.success ? p.error : !q.success ? q.error : (b.error as z.ZodError);
      return badRequest(reply, request, 'invalid heartbeat signal', issuesOf(error));
    }
    const config = heartbeats.get(p.data.name);
    if (apiToken !== undefined && (await refusedAsThrottled(request, reply, failures))) return reply;
    const header = request.headers['x-heartbeat-token'];
    const own = q.data.token ?? (Array.isArray(header) ? header[0] : header);
    const bearer = bearerOf(request);
    const allowed = apiToken === undefined || sameSecret(bearer, apiToken) || sameSecret(own, config?.token);
    if (!allowed) {
      if (bearer !== undefined || own !== undefined) failures.fail(request.ip);
      request.log.warn({ heartbeat: p.data.name }, 'refused heartbeat signal: wrong or missing token');
      return reply.code(401).send({ error: `send the API token as a bearer, or this heartbeat's token as ?token= or X-Heartbeat-Token` });
    }
    if (!config) {
      request.log.warn({ heartbeat: p.data.name }, 'signal for an unknown heartbeat');
      return reply.code(404).send({ error: `no heartbeat named ${JSON.stringify(p.data.name)} is configured (heartbeats: in the config)` });
    }
    const signal: Signal = p.data.signal ?? 'beat';
    const message = (b.data && 'message' in b.data ? b.data.message : undefined) ?? q.data.message ?? null;
    const view = await heartbeats.signal(config.name, signal, message);
    await afterSignal();
    return { ok: true, heartbeat: view };
  };
  for (const path of ['/api/v1/heartbeats/:name', '/api/v1/heartbeats/:name/:signal']) {
    app.post(path, handle);
    app.get(path, { config: { changesState: true } }, handle);
  }
}

export function registerHeartbeatListRoute(app: FastifyInstance, heartbeats: Heartbeats) {
  app.get('/api/v1/heartbeats', async () => ({ heartbeats: await heartbeats.list() }));
}
