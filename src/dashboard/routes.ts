import { recordPageTime } from './page-times.js';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ackAlert, auditDashboard, createSilenceAction, expireSilenceAction, resendFailed, resolveAlertAction, silenceLikeAlert, switchService } from './actions.js';
import { MatcherError, parseMatchers } from '../shared/matcher-syntax.js';
import { getAlertDetail } from '../alerts/query.js';
import { SILENCE_CHOICES } from './sections/alert-page.js';
import { parseDuration } from '../time/duration.js';
import { FAILED_WINDOW_MS } from './sections/alerts.js';
import { BASE, canLogIn, clearSessionCookie, sessionOf, validCsrf } from './auth.js';
import { sameOrigin } from '../http/same-site.js';
import { SessionStore, type Session } from './sessions.js';
import type { DashboardOptions } from './types.js';
import { READ_ONLY, refuse, type RouteContext } from './route-context.js';
import { registerPageRoutes } from './page-routes.js';
import { registerLoginRoutes } from './login-routes.js';

const HOUR = 3_600_000;
const alertParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const serviceParam = z.strictObject({ name: z.string().min(1).max(64) });
const silenceForm = z.object({ duration: z.enum(SILENCE_CHOICES), comment: z.string().trim().min(1).max(500) });

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** GET/POST /ops/governance…: server-rendered pages, login by token, cookie sessions, CSRF-checked forms. */
export async function registerDashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const ttlMs = options.sessionHours * HOUR;
  const context: RouteContext = {
    options,
    credentials: { apiToken: options.apiToken, password: options.password },
    sessions: new SessionStore(options.store, ttlMs),
    ttlMs,
    log: options.log.child({ component: 'dashboard' }),
  };
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' && reply.statusCode === 200) await recordPageTime(options.store, reply.elapsedTime, context.log);
  });
  registerPageRoutes(app, context);
  registerLoginRoutes(app, context);
  registerFormRoutes(app, context);
}

/** POST logout and the action forms, each behind the guard. */
function registerFormRoutes(app: FastifyInstance, context: RouteContext): void {
  const { options } = context;
  const guard = actionGuard(context);
  const done = async (reply: FastifyReply, session: Session, flash: Session['flash']) => {
    if (flash) await context.sessions.setFlash(session, flash);
    return reply.redirect(BASE, 303);
  };
  /** After an action on the alert page, back to that page. */
  const backToAlert = async (reply: FastifyReply, session: Session, id: number, flash: Session['flash']) => {
    if (flash) await context.sessions.setFlash(session, flash);
    return reply.redirect(`${BASE}/alerts/${id}`, 303);
  };

  app.post(`${BASE}/logout`, async (request, reply) => {
    const session = await guard(request, reply, 'logout', {});
    if (!session) return reply;
    await context.sessions.destroy(session);
    clearSessionCookie(reply);
    return reply.redirect(`${BASE}/login`, 303);
  });

  app.post(`${BASE}/alerts/:id/ack`, async (request, reply) => {
    const param = alertParam.safeParse(request.params);
    if (!param.success) return refuse(reply, 400, 'An alert number like 42 is needed.');
    const session = await guard(request, reply, 'ack', { alert: String(param.data.id) });
    if (!session) return reply;
    const flash = await ackAlert(options, session, param.data.id, request.ip);
    return fromAlertPage(request, param.data.id) ? backToAlert(reply, session, param.data.id, flash) : done(reply, session, flash);
  });

  app.post(`${BASE}/alerts/:id/resolve`, async (request, reply) => {
    const param = alertParam.safeParse(request.params);
    if (!param.success) return refuse(reply, 400, 'An alert number like 42 is needed.');
    const session = await guard(request, reply, 'resolve', { alert: String(param.data.id) });
    if (!session) return reply;
    return backToAlert(reply, session, param.data.id, await resolveAlertAction(options, session, param.data.id, request.ip));
  });

  app.post(`${BASE}/alerts/:id/silence`, async (request, reply) => {
    const param = alertParam.safeParse(request.params);
    const form = silenceForm.safeParse(request.body);
    if (!param.success || !form.success) return refuse(reply, 400, 'Choose how long, and say why.');
    const session = await guard(request, reply, 'silence', { alert: String(param.data.id) });
    if (!session) return reply;
    const alert = await getAlertDetail(options.store, param.data.id);
    if (!alert) return refuse(reply, 404, `No alert #${param.data.id}.`);
    return backToAlert(reply, session, alert.id, await silenceLikeAlert(options, session, alert, parseDuration(form.data.duration)!, form.data.comment, request.ip));
  });

  const toSilences = async (reply: FastifyReply, session: Session, flash: Session['flash']) => {
    if (flash) await context.sessions.setFlash(session, flash);
    return reply.redirect(`${BASE}/silences`, 303);
  };

  app.post(`${BASE}/silences`, async (request, reply) => {
    const form = silenceForm.extend({ matchers: z.string().trim().min(1).max(2_000) }).safeParse(request.body);
    if (!form.success) return refuse(reply, 400, 'Give matchers, how long, and why.');
    const session = await guard(request, reply, 'silence', { matchers: form.data.matchers });
    if (!session) return reply;
    let matchers;
    try {
      matchers = parseMatchers(form.data.matchers);
    } catch (error) {
      if (error instanceof MatcherError) return toSilences(reply, session, { kind: 'error', text: error.message });
      throw error;
    }
    return toSilences(reply, session, await createSilenceAction(options, session, matchers, parseDuration(form.data.duration)!, form.data.comment, request.ip));
  });

  app.post(`${BASE}/silences/:id/expire`, async (request, reply) => {
    const param = alertParam.safeParse(request.params);
    if (!param.success) return refuse(reply, 400, 'A silence number like 7 is needed.');
    const session = await guard(request, reply, 'unsilence', { silence: String(param.data.id) });
    if (!session) return reply;
    return toSilences(reply, session, await expireSilenceAction(options, session, param.data.id, request.ip));
  });

  app.post(`${BASE}/deliveries/resend`, async (request, reply) => {
    const session = await guard(request, reply, 'resend', {});
    if (!session) return reply;
    return done(reply, session, await resendFailed(options, session, new Date(Date.now() - FAILED_WINDOW_MS), request.ip));
  });

  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`${BASE}/services/:name/${path}`, async (request, reply) => {
      const param = serviceParam.safeParse(request.params);
      if (!param.success) return refuse(reply, 400, 'A service name is needed.');
      const session = await guard(request, reply, path, { service: param.data.name });
      if (!session) return reply;
      return done(reply, session, await switchService(options, session, param.data.name, enabled, request.ip));
    });
  }
}

/** Whether the form was sent from the alert's own page (the dashboard's pages send a same-origin Referer). */
function fromAlertPage(request: FastifyRequest, id: number): boolean {
  const referer = request.headers.referer;
  if (!referer) return false;
  try {
    return new URL(referer).pathname === `${BASE}/alerts/${id}`;
  } catch {
    return false;
  }
}

/** Every state change: a configured credential, our own origin, a live session and its CSRF token. */
function actionGuard({ options, credentials, sessions, log }: RouteContext) {
  return async (request: FastifyRequest, reply: FastifyReply, command: string, args: Record<string, string>): Promise<Session | undefined> => {
    if (!canLogIn(credentials)) {
      void refuse(reply, 403, READ_ONLY);
      return undefined;
    }
    const session = await sessionOf(request, sessions);
    const csrf = (request.body as Record<string, unknown> | undefined)?.csrf;
    const problem = !sameOrigin(request) ? 'request from another origin' : !session ? 'not logged in' : !validCsrf(session, csrf) ? 'missing or wrong CSRF token' : null;
    if (!problem) return session;
    log.warn({ ip: request.ip, command, reason: problem }, 'dashboard: refused action');
    if (session) await auditDashboard(options, session, command, args, 'refused', problem, request.ip);
    void refuse(reply, 403, session ? 'This form has expired or did not come from the dashboard; reload the page and try again.' : 'Log in first.');
    return undefined;
  };
}
