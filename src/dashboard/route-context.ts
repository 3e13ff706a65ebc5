import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { BASE, type Credentials } from './auth.js';
import { html } from './html.js';
import { page } from './layout.js';
import type { SessionStore } from './sessions.js';
import type { DashboardOptions } from './types.js';

export const READ_ONLY =
  'Read-only: neither API_TOKEN nor DASHBOARD_PASSWORD is set, so nobody can log in and nothing can be changed here. Set one of them to log in.';

/** What the dashboard's routes share: its options, credentials and sessions, and how a page or refusal is sent. */
export interface RouteContext {
  options: DashboardOptions;
  credentials: Credentials;
  sessions: SessionStore;
  /** How long a session lives. */
  ttlMs: number;
  log: Logger;
}

export function sendPage(reply: FastifyReply, status: number, body: { value: string }) {
  return reply.code(status).type('text/html; charset=utf-8').send(body.value);
}

export function refuse(reply: FastifyReply, status: number, text: string) {
  return sendPage(reply, status, page('opsbot governance', html`<div class="flash error" role="alert">${text}</div><p><a href="${BASE}">Back to the dashboard</a></p>`));
}
