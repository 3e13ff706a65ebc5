import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import type { SilenceMatcherJson } from '../db/schema.js';
import { checkMatcher, formatMatchers, MatcherError, parseMatchers } from '../shared/matcher-syntax.js';
import { getSilence, listSilences } from '../routing/silences.js';
import { silence, unsilence } from '../operations/silence.js';
import { errorText, statement } from '../operations/wording.js';
import type { WorkSink } from '../shared/work.js';
import { parseDuration } from '../time/duration.js';
import { apiActor } from './api-actor.js';
import { badRequest, issuesOf } from './errors.js';

/** The longest silence, as from chat. */
const MAX_SILENCE_MS = 90 * 86_400_000;

const matcherObject = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a label name: letters, digits and _'),
  op: z.enum(['=', '!=', '=~', '!~']),
  value: z.string().min(1).max(1_024),
});

const silenceBody = z
  .strictObject({
    /** `service=api,env=~prod.*` as in chat and amtool, or the matchers as objects. */
    matchers: z.union([z.string().trim().min(1).max(2_000), z.array(matcherObject).min(1).max(50)]),
    duration: z.string().max(20).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    comment: z.string().trim().min(1, 'say why (Alertmanager asks for a comment too)').max(1_000),
    createdBy: z.string().trim().min(1).max(200).optional(),
  })
  .refine((body) => (body.duration === undefined) !== (body.endsAt === undefined), { message: 'give either duration (like 2h) or endsAt (an ISO time), one of them', path: ['duration'] });

const listQuery = z.strictObject({ state: z.enum(['active', 'expired', 'all']).default('active') });
const idParam = z.strictObject({ id: z.coerce.number().int().positive() });
const expireBody = z.union([z.strictObject({ by: z.string().trim().min(1).max(200).optional() }), z.undefined(), z.null()]);

/** How long from now, from `duration` or `endsAt`; a string saying what is wrong otherwise. */
function lengthOf(body: { duration?: string | undefined; endsAt?: string | undefined }, now: Date): number | string {
  const ms = body.duration !== undefined ? parseDuration(body.duration) : new Date(body.endsAt!).getTime() - now.getTime();
  if (ms === null) return `duration ${JSON.stringify(body.duration)} is not like 30m, 2h, 1h30m or 1d`;
  if (ms <= 0) return body.endsAt !== undefined ? `endsAt ${body.endsAt} is not in the future` : 'the duration must be longer than 0';
  if (ms > MAX_SILENCE_MS) return 'a silence lasts at most 90 days';
  return ms;
}

function matchersOf(given: string | SilenceMatcherJson[]): SilenceMatcherJson[] {
  return typeof given === 'string' ? parseMatchers(given) : given.map(checkMatcher);
}

/**
 * Silences outside chat, as Alertmanager's API and amtool have them: create (audited like `/silence`,
 * holding back what they match at once), list by state, read one, expire one.
 */
export function registerSilenceRoutes(app: FastifyInstance, deps: { store: Store; sink: WorkSink }) {
  app.post('/api/v1/silences', async (request, reply) => {
    const body = silenceBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, request, 'invalid silence', issuesOf(body.error));
    const now = new Date();
    let matchers: SilenceMatcherJson[];
    try {
      matchers = matchersOf(body.data.matchers);
    } catch (error) {
      if (error instanceof MatcherError) return badRequest(reply, request, 'invalid silence', [{ field: 'matchers', problem: error.message }]);
      throw error;
    }
    const durationMs = lengthOf(body.data, now);
    if (typeof durationMs === 'string') return badRequest(reply, request, 'invalid silence', [{ field: body.data.endsAt !== undefined ? 'endsAt' : 'duration', problem: durationMs }]);
    const by = body.data.createdBy ?? 'api';
    const actor = apiActor(deps.store, request.log, by, 'silence', { matchers: formatMatchers(matchers), ends: new Date(now.getTime() + durationMs).toISOString() });
    const result = await silence(deps, { matchers, durationMs, reason: body.data.comment }, actor, now);
    return reply.code(201).send({ silence: { ...result.silence, state: 'active', holding: result.held }, message: statement(result) });
  });

  app.get('/api/v1/silences', async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, request, 'invalid query', issuesOf(query.error));
    return { silences: await listSilences(deps.store, query.data.state) };
  });

  app.get('/api/v1/silences/:id', async (request, reply) => {
    const id = idParam.safeParse(request.params);
    if (!id.success) return badRequest(reply, request, 'invalid silence id', issuesOf(id.error));
    const found = await getSilence(deps.store, id.data.id);
    return found ? { silence: found } : reply.code(404).send({ error: `no silence #${id.data.id}` });
  });

  app.delete('/api/v1/silences/:id', async (request, reply) => {
    const id = idParam.safeParse(request.params);
    const body = expireBody.safeParse(request.body ?? undefined);
    if (!id.success || !body.success) return badRequest(reply, request, 'invalid request', issuesOf((id.error ?? body.error)!));
    const by = body.data?.by ?? 'api';
    const result = await unsilence(deps, id.data.id, apiActor(deps.store, request.log, by, 'unsilence', { silence: String(id.data.id) }));
    if (result.kind === 'not-found') return reply.code(404).send({ error: errorText(result) });
    return { silence: { ...result.silence, state: 'expired', holding: null }, message: statement(result) };
  });
}
