import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sameOrigin } from '../http/same-site.js';
import { FailureThrottle } from '../http/failure-throttle.js';
import { BASE, canLogIn, checkToken, sessionOf, setSessionCookie } from './auth.js';
import { loginPage } from './page.js';
import { READ_ONLY, refuse, sendPage, type RouteContext } from './route-context.js';

/** Failed logins one address may make per window before it gets 429, and all addresses together. */
const LOGIN_FAILURES_PER_CLIENT = 5;
const LOGIN_FAILURES_OVERALL = 30;
const LOGIN_FAILURE_WINDOW_MS = 60_000;
const EVERYBODY = 'everybody';
const loginForm = z.object({ token: z.string().max(1_000).default(''), name: z.string().max(200).optional() });

/** The person typed at login, cleaned for the audit log and ackedBy; "dashboard" when left empty. */
function userName(typed: string | undefined): string {
  const cleaned = (typed ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 64);
  return cleaned || 'dashboard';
}

/** GET and POST the login form: the token or password in constant time, refusals slowed down and throttled. */
export function registerLoginRoutes(app: FastifyInstance, { options, credentials, sessions, ttlMs, log }: RouteContext): void {
  const failedLoginDelayMs = options.failedLoginDelayMs ?? 1_000;
  /** Refused logins from one address are answered one after the other, each after the delay. */
  const refusalQueues = new Map<string, Promise<void>>();
  const failuresByClient = new FailureThrottle(LOGIN_FAILURES_PER_CLIENT, LOGIN_FAILURE_WINDOW_MS);
  /** The dashboard has no accounts, only the shared token and password: this counts the guesses against them from everywhere. */
  const failuresOverall = new FailureThrottle(LOGIN_FAILURES_OVERALL, LOGIN_FAILURE_WINDOW_MS);

  const slowRefusal = async (ip: string) => {
    const previous = refusalQueues.get(ip) ?? Promise.resolve();
    const mine = previous.then(() => sleep(failedLoginDelayMs));
    refusalQueues.set(ip, mine);
    await mine;
    if (refusalQueues.get(ip) === mine) refusalQueues.delete(ip);
  };

  app.get(`${BASE}/login`, async (request, reply) => {
    if (canLogIn(credentials) && (await sessionOf(request, sessions))) return reply.redirect(BASE, 303);
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
      await slowRefusal(request.ip);
      log.warn({ ip: request.ip, reason: form.success && form.data.token !== '' ? 'wrong token or password' : 'no token given' }, 'dashboard: refused login');
      return sendPage(reply, 401, loginPage({ kind: 'error', text: 'Wrong token or password.' }, true));
    }
    const session = await sessions.create(userName(form.data.name), credential);
    setSessionCookie(request, reply, session, ttlMs);
    log.info({ ip: request.ip, user: session.user, credential }, 'dashboard: logged in');
    return reply.redirect(BASE, 303);
  });
}
