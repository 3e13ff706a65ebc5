import type { FastifyReply, FastifyRequest } from 'fastify';
import { loneSurrogatePath } from '../validation.js';
import { badRequest } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `replace`: the route replaces lone surrogates itself (Alertmanager's clip-and-mark) instead of a 400. */
    loneSurrogates?: 'replace';
  }
}

/**
 * A JSON body may write half of a surrogate pair (`"\ud800"`): not Unicode text, and SQLite would store
 * it as invalid UTF-8. Every JSON route refuses such a body with a 400 naming the field.
 */
export async function refuseLoneSurrogates(request: FastifyRequest, reply: FastifyReply) {
  if (request.routeOptions.config.loneSurrogates === 'replace') return;
  const field = loneSurrogatePath(request.body);
  if (field === undefined) return;
  return badRequest(reply, request, 'invalid text', [
    { field, problem: 'holds a lone UTF-16 surrogate (half of a \\uD800-\\uDFFF pair), which is not valid Unicode text' },
  ]);
}
