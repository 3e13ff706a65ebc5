/** HTTP plumbing for the fake Discord REST API: routing, body parsing, Discord-shaped headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { Reply } from './discord-types.js';

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  files: Array<{ name: string; size: number }>;
}

export interface Route {
  method: string;
  template: string;
  /** Bot token required (false for interaction callbacks and webhooks). */
  auth: boolean;
  handle: (ctx: RequestContext) => Reply;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  keys: string[];
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const keys: string[] = [];
    const source = route.template
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\@]/g, '\\$&');
        keys.push(part.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { ...route, pattern: new RegExp(`^${source}$`), keys };
  });
}

export type RouteMatch = { route: CompiledRoute; params: Record<string, string> } | { allowed: string[] } | undefined;

export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => (params[key] = found[i + 1] ?? ''));
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

/** 'POST /channels/:channelId/messages' and 'POST /channels/:id/messages' name the same route. */
export function normalizeRoute(route: string): string {
  return route.trim().replace(/\/:[^/\s]+/g, '/:');
}

export async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: RequestContext['files']; invalid?: boolean }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: RequestContext['files'] = [];
    let body: unknown = {};
    for (const [field, value] of form.entries()) {
      if (field === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
      else if (typeof value !== 'string') files.push({ name: value.name, size: value.size });
    }
    return { body, files };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { body: raw.toString('utf8'), files: [], invalid: true };
  }
}

export function bucketHash(route: string): string {
  return createHash('md5').update(route).digest('hex');
}

/** A calm bucket: plenty remaining, resets in a second. */
export function rateLimitHeaders(bucket: string): Record<string, string> {
  return {
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '4',
    'x-ratelimit-reset': ((Date.now() + 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': '1.000',
    'x-ratelimit-bucket': bucket,
  };
}

export function rateLimitedReply(bucket: string, retryAfter: number, global: boolean): Reply {
  return {
    status: 429,
    json: { message: 'You are being rate limited.', retry_after: retryAfter, global },
    headers: {
      ...rateLimitHeaders(bucket),
      'retry-after': String(Math.ceil(retryAfter)),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': retryAfter.toFixed(3),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : {}),
    },
  };
}

/** Writes a reply; a reply without json goes out with no body and no content-type (see the field notes). */
export function writeReply(res: ServerResponse, reply: Reply, bucket: string): void {
  const headers: Record<string, string> = { ...rateLimitHeaders(bucket), ...reply.headers };
  if (reply.json === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.json);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}
