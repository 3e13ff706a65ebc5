import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Bearer-token check for /api/*; with no token configured (loopback only) every caller is let in. */
export function bearerAuth(apiToken: string | undefined) {
  const expected = apiToken ? Buffer.from(apiToken) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = match ? Buffer.from(match[1]!.trim()) : undefined;
    if (given && given.length === expected.length && timingSafeEqual(given, expected)) return;
    request.log.warn({ path: request.url, hasHeader: header !== '' }, 'refused: missing or wrong API token');
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: header ? 'wrong API token' : 'missing Authorization: Bearer <API_TOKEN> header' });
  };
}
