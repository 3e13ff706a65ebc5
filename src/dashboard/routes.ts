import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ackAlert, auditDashboard, resendFailed, switchService } from './actions.js';
import { FAILED_WINDOW_MS } from './sections/alerts.js';
import { BASE, canLogIn, checkToken, clearSessionCookie, sessionOf, setSessionCookie, validCsrf, type Credentials } from './auth.js';
import { html } from './html.js';
import { sameOrigin } from '../http/same-site.js';
import { FailureThrottle } from '../http/failure-throttle.js';
import { page } from './layout.js';
import { loginPage, mainPage } from './page.js';
import { SessionStore, type Session } from './sessions.js';
import type { DashboardOptions } from './types.js';
import { FiringQuery } from '../alerts/firing-view.js';
import { ServicesQuery } from './sections/services-query.js';

const HOUR = 3_600_000;
/** Failed logins one address may make per window before it gets 429, and all addresses together. */
const LOGIN_FAILURES_PER_CLIENT = 5;
const LOGIN_FAILURES_OVERALL = 30;
const LOGIN_FAILURE_WINDOW_MS = 60_000;
const EVERYBODY = 'everybody';
const loginForm = z.object({ token: z.string().max(1_000).default(''), name: z.string().max(200).optional() });
const alertParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const serviceParam = z.strictObject({ name: z.string().min(1).max(64) });
const reportParam = z.strictObject({ name: z.string().regex(/^OPS_\d{4}-\d{2}-\d{2}_\d{4}(?:_\d+)?$/) });
const READ_ONLY =
  'Read-only: neither API_TOKEN nor DASHBOARD_PASSWORD is set, so nobody can log in and nothing can be changed here. Set one of them to log in.';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** The person typed at login, cleaned for the audit log and ackedBy; "dashboard" when left empty. */
function userName(typed: string | undefined): string {
  const cleaned = (typed ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 64);
  return cleaned || 'dashboard';
}

/** GET/POST /ops/governance…: server-rendered pages, login by token, cookie sessions, CSRF-checked forms. */
export async function registerDashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const credentials: Credentials = { apiToken: options.apiToken, password: options.password };
  const ttlMs = options.sessionHours * HOUR;
  const sessions = new SessionStore(ttlMs);
  const queries = { services: new ServicesQuery(options.db, options.manager, options.heal, options.manager.uptime), alerts: new FiringQuery(options.db) };
  const failedLoginDelayMs = options.failedLoginDelayMs ?? 1_000;
  /** Refused logins from one address are answered one after the other, each after the delay. */
  const refusalQueues = new Map<string, Promise<void>>();
  const failuresByClient = new FailureThrottle(LOGIN_FAILURES_PER_CLIENT, LOGIN_FAILURE_WINDOW_MS);
  /** The dashboard has no accounts, only the shared token and password: this counts the guesses against them from everywhere. */
  const failuresOverall = new FailureThrottle(LOGIN_FAILURES_OVERALL, LOGIN_FAILURE_WINDOW_MS);
  const log = options.log.child({ component: 'dashboard' });

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  const sendPage = (reply: FastifyReply, status: number, body: { value: string }) => reply.code(status).type('text/html; charset=utf-8').send(body.value);
  const refuse = (reply: FastifyReply, status: number, text: string) =>
    sendPage(reply, status, page('opsbot governance', html`<div class="flash error" role="alert">${text}</div><p><a href="${BASE}">Back to the dashboard</a></p>`));

  app.get(BASE, async (request, reply) => {
    if (!canLogIn(credentials)) return sendPage(reply, 200, mainPage(options, queries, null, READ_ONLY));
    const session = sessionOf(request, sessions);
    if (!session) return reply.redirect(`${BASE}/login`, 303);
    return sendPage(reply, 200, mainPage(options, queries, session, null));
  });

  app.get(`${BASE}/reports/:name`, async (request, reply) => {
    if (canLogIn(credentials) && !sessionOf(request, sessions)) return reply.redirect(`${BASE}/login`, 303);
    const name = reportParam.safeParse(request.params);
    const text = name.success ? await options.reportText(name.data.name) : null;
    if (text === null) return refuse(reply, 404, 'No such report.');
    return sendPage(reply, 200, page(`opsbot report ${name.data!.name}`, html`<p><a href="${BASE}">Back to the dashboard</a></p><pre class="report">${text}</pre>`));
  });

  app.get(`${BASE}/login`, async (request, reply) => {
    if (canLogIn(credentials) && sessionOf(request, sessions)) return reply.redirect(BASE, 303);
    return sendPage(reply, 200, loginPage(canLogIn(credentials) ? null : { kind: 'info', text: READ_ONLY }, canLogIn(credentials)));
  });

  app.post(`${BASE}/login`, async (request, reply) => {
    if (!canLogIn(credentials)) return sendPage(reply, 403, loginPage({ kind: 'info', text: READ_ONLY }, false));
    if (!sameOrigin(request)) {
      log.warn({ ip: request.ip, origin: request.headers.origin ?? request.headers.referer }, 'dashboard: refused login from another origin');
      return refuse(reply, 403, 'This form must be sent from the dashboard itself.');
    }
    const retryAfter = Math.max(failuresByClient.retryAfterSeconds(request.ip), failuresOverall.retryAfterSeconds(EVERYBODY));
    if (retryAfter > 0) {
      log.warn({ ip: request.ip, retryAfter }, 'dashboard: refused login, too many failed logins');
      reply.header('retry-after', String(retryAfter));
      return sendPage(reply, 429, loginPage({ kind: 'error', text: `Too many failed logins; try again in ${retryAfter} s.` }, true));
    }
    const form = loginForm.safeParse(request.body ?? {});
    const credential = form.success ? checkToken(form.data.token, credentials) : null;
    if (!form.success || !credential) {
      failuresByClient.fail(request.ip);
      failuresOverall.fail(EVERYBODY);
      const previous = refusalQueues.get(request.ip) ?? Promise.resolve();
      const mine = previous.then(() => sleep(failedLoginDelayMs));
      refusalQueues.set(request.ip, mine);
      await mine;
      if (refusalQueues.get(request.ip) === mine) refusalQueues.delete(request.ip);
      log.warn({ ip: request.ip, reason: form.success && form.data.token !== '' ? 'wrong token or password' : 'no token given' }, 'dashboard: refused login');
      return sendPage(reply, 401, loginPage({ kind: 'error', text: 'Wrong token or password.' }, true));
    }
    const session = sessions.create(userName(form.data.name), credential);
    setSessionCookie(request, reply, session, ttlMs);
    log.info({ ip: request.ip, user: session.user, credential }, 'dashboard: logged in');
    return reply.redirect(BASE, 303);
  });

  /** Every state change: a configured credential, our own origin, a live session and its CSRF token. */
  const guard = (request: FastifyRequest, reply: FastifyReply, command: string, args: Record<string, string>): Session | undefined => {
    if (!canLogIn(credentials)) {
      void refuse(reply, 403, READ_ONLY);
      return undefined;
    }
    const session = sessionOf(request, sessions);
    const csrf = (request.body as Record<string, unknown> | undefined)?.csrf;
    const problem = !sameOrigin(request) ? 'request from another origin' : !session ? 'not logged in' : !validCsrf(session, csrf) ? 'missing or wrong CSRF token' : null;
    if (!problem) return session;
    log.warn({ ip: request.ip, command, reason: problem }, 'dashboard: refused action');
    if (session) auditDashboard(options, session, command, args, 'refused', problem, request.ip);
    void refuse(reply, 403, session ? 'This form has expired or did not come from the dashboard; reload the page and try again.' : 'Log in first.');
    return undefined;
  };

  const done = (reply: FastifyReply, session: Session, flash: Session['flash']) => {
    if (flash) session.flash = flash;
    return reply.redirect(BASE, 303);
  };

  app.post(`${BASE}/logout`, async (request, reply) => {
    const session = guard(request, reply, 'logout', {});
    if (!session) return reply;
    sessions.destroy(session.id);
    clearSessionCookie(reply);
    return reply.redirect(`${BASE}/login`, 303);
  });

  app.post(`${BASE}/alerts/:id/ack`, async (request, reply) => {
    const param = alertParam.safeParse(request.params);
    if (!param.success) return refuse(reply, 400, 'An alert number like 42 is needed.');
    const session = guard(request, reply, 'ack', { alert: String(param.data.id) });
    if (!session) return reply;
    return done(reply, session, await ackAlert(options, session, param.data.id, request.ip));
  });

  app.post(`${BASE}/deliveries/resend`, async (request, reply) => {
    const session = guard(request, reply, 'resend', {});
    if (!session) return reply;
    return done(reply, session, await resendFailed(options, session, new Date(Date.now() - FAILED_WINDOW_MS), request.ip));
  });

  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`${BASE}/services/:name/${path}`, async (request, reply) => {
      const param = serviceParam.safeParse(request.params);
      if (!param.success) return refuse(reply, 400, 'A service name is needed.');
      const session = guard(request, reply, path, { service: param.data.name });
      if (!session) return reply;
      return done(reply, session, await switchService(options, session, param.data.name, enabled, request.ip));
    });
  }
}
