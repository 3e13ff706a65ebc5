import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostnameOf, isLoopback } from './auth.js';
import { loggablePath } from './loggable-path.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A GET that changes state (a heartbeat beat by plain curl): guarded like a POST. */
    changesState?: boolean;
  }
}

/**
 * A state-changing request must come from our own page: when the browser says where it comes
 * from (Origin, else Referer), that must be this host.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host;
  const source = request.headers.origin ?? request.headers.referer;
  if (source === undefined) return true;
  if (!host) return false;
  try {
    return new URL(source).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** `Sec-Fetch-Site` says a page of another origin made the browser send this (an <img>, a form). */
function sentByAnotherSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/** Where the browser says the request comes from, as an origin (a Referer's path and query are left out). */
function sourceOf(request: FastifyRequest): string {
  const source = request.headers.origin ?? request.headers.referer;
  if (source === undefined) return `Sec-Fetch-Site: ${String(request.headers['sec-fetch-site'])}`;
  try {
    return new URL(source).origin;
  } catch {
    return JSON.stringify(source.slice(0, 100));
  }
}

/**
 * Without API_TOKEN nothing but the network stands between a caller and the bot, and a web page
 * in the operator's browser is on that network. So every request must name this machine in `Host`
 * (a loopback name or one of `allowedHosts`, which stops DNS rebinding), and a state-changing one
 * must not come from another site.
 */
export function sameSiteGuard(allowedHosts: readonly string[]) {
  const allowed = new Set(allowedHosts.map(hostnameOf));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const host = request.headers.host ?? '';
    if (!isLoopback(host) && !allowed.has(hostnameOf(host))) {
      request.log.warn({ path: loggablePath(request.url), host }, 'refused: Host is not this machine (no API_TOKEN)');
      return reply.code(403).send({
        error:
          `refused: Host ${JSON.stringify(host.slice(0, 200))} is neither a loopback address nor in http.allowedHosts, and API_TOKEN is not set ` +
          '(a web page could reach this bot by DNS rebinding). Set API_TOKEN, or add the host name to http.allowedHosts in the config.',
      });
    }
    const changesState = !READS.has(request.method) || request.routeOptions.config?.changesState === true;
    if (changesState && (!sameOrigin(request) || sentByAnotherSite(request))) {
      const origin = sourceOf(request);
      request.log.warn({ path: loggablePath(request.url), origin }, 'refused: state change from another site (no API_TOKEN)');
      return reply.code(403).send({
        error:
          `refused: ${request.method} ${request.url.split('?')[0]} was sent by another site (${origin}), and API_TOKEN is not set, ` +
          'so a web page in your browser could act for you. Send it from a script or curl (no Origin header), or set API_TOKEN.',
      });
    }
  };
}
