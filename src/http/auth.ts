import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FailureThrottle } from './failure-throttle.js';
import { loggablePath } from './loggable-path.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The host name of a `Host` header or address: `[::1]:8080` → `::1`, `Localhost:80` → `localhost`. */
export function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1]!.toLowerCase();
  if (isIP(host) === 6) return host.toLowerCase();
  return host.replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
}

/** True for `localhost` and the loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x.y.z), with or without a port. */
export function isLoopback(host: string): boolean {
  const name = hostnameOf(host);
  if (name === 'localhost') return true;
  const version = isIP(name);
  return version !== 0 && LOOPBACK.check(name, version === 4 ? 'ipv4' : 'ipv6');
}

export function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request carries: `Authorization: Bearer <token>`, or the password of
 * `Authorization: Basic` (any user name), the two forms Prometheus and Alertmanager can send
 * (`authorization: { credentials }` or `basic_auth: { password }` in their configs).
 */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer !== undefined) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim())?.[1];
  if (basic === undefined) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** Answers 429 when this client has failed to authenticate too often lately; true when it did. */
export async function refusedAsThrottled(request: FastifyRequest, reply: FastifyReply, throttle: FailureThrottle): Promise<boolean> {
  const retryAfter = throttle.retryAfterSeconds(request.ip);
  if (retryAfter === 0) return false;
  request.log.warn({ path: loggablePath(request.url), ip: request.ip, retryAfter }, 'refused: too many failed authentications from this client');
  await reply
    .code(429)
    .header('retry-after', String(retryAfter))
    .send({ error: `too many wrong tokens from ${request.ip}: try again in ${retryAfter} s, with the right token` });
  return true;
}

/** Bearer-token check for /api/*; with no token configured (loopback only) every caller is let in. */
export function bearerAuth(apiToken: string | undefined, throttle: FailureThrottle) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!apiToken) return;
    if (await refusedAsThrottled(request, reply, throttle)) return;
    const given = bearerOf(request);
    if (sameSecret(given, apiToken)) return;
    const header = request.headers.authorization ?? '';
    if (header) throttle.fail(request.ip);
    request.log.warn({ path: loggablePath(request.url), hasHeader: header !== '' }, 'refused: missing or wrong API token');
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: header ? 'wrong API token' : 'missing Authorization: Bearer <API_TOKEN> header' });
  };
}
