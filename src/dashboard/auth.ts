import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'opsbot_dashboard';
export const BASE = '/ops/governance';

export interface Credentials {
  apiToken: string | undefined;
  password: string | undefined;
}

export function canLogIn(credentials: Credentials): boolean {
  return Boolean(credentials.apiToken || credentials.password);
}

function sameSecret(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Which configured credential the typed token is, if any. Both are compared in constant time. */
export function checkToken(given: string, credentials: Credentials): Session['credential'] | null {
  const token = sameSecret(given, credentials.apiToken);
  const password = sameSecret(given, credentials.password);
  return token ? 'api-token' : password ? 'password' : null;
}

export function sessionOf(request: FastifyRequest, sessions: SessionStore): Promise<Session | undefined> {
  return sessions.get(request.cookies[SESSION_COOKIE]);
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: Session, ttlMs: number) {
  reply.setCookie(SESSION_COOKIE, session.id, {
    path: BASE,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: Math.floor(ttlMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: BASE });
}

export function validCsrf(session: Session, given: unknown): boolean {
  return typeof given === 'string' && sameSecret(given, session.csrf);
}
