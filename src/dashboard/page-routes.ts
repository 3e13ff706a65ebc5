import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { loadFiringView, type FiringViewOptions } from '../alerts/firing-view.js';
import { BASE, canLogIn, sessionOf } from './auth.js';
import { html } from './html.js';
import { page } from './layout.js';
import { mainPage } from './page.js';
import { READ_ONLY, refuse, sendPage, type RouteContext } from './route-context.js';
import { ServicesQuery } from './sections/services-query.js';
import { alertPageBody, SILENCE_CHOICES } from './sections/alert-page.js';
import { alertListBody } from './sections/alert-list.js';
import { auditBody } from './sections/audit-page.js';
import { reportHtml } from './report-html.js';
import { listAudit } from '../operations/audit-log.js';
import { SEVERITIES } from '../shared/types.js';
import { listAlerts } from '../alerts/query.js';
import { firingMatches, previewSection, silencesBody } from './sections/silences-page.js';
import { listSilences } from '../routing/silences.js';
import { MatcherError, parseMatchers } from '../shared/matcher-syntax.js';
import { getAlertDetail } from '../alerts/query.js';
import { listAuditOfAlert } from '../operations/audit-log.js';

const alertParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const LISTED = 100;
const REFRESH_SECONDS = 30;
/** The alert list's filters; an empty field of the form means any. */
const listFilter = z.object({
  severity: z.enum(SEVERITIES).or(z.literal('')).optional(),
  status: z.enum(['firing', 'resolved']).or(z.literal('')).optional(),
  service: z.string().trim().max(200).optional(),
  text: z.string().trim().max(200).optional(),
});
const auditFilter = z.object({
  user: z.string().trim().max(200).optional(),
  command: z.string().trim().max(64).optional(),
  result: z.enum(['ok', 'refused', 'invalid', 'error']).or(z.literal('')).optional(),
  before: z.coerce.number().int().positive().optional(),
});
const silenceDraft = z.object({ matchers: z.string().trim().max(2_000).optional(), duration: z.enum(SILENCE_CHOICES).optional(), comment: z.string().trim().max(500).optional() });
const reportParam = z.strictObject({ name: z.string().regex(/^OPS_\d{4}-\d{2}-\d{2}_\d{4}(?:_\d+)?$/) });

/** GET the main page and a report: read-only without credentials configured, behind a login otherwise. */
export function registerPageRoutes(app: FastifyInstance, { options, credentials, sessions }: RouteContext): void {
  const queries = { services: new ServicesQuery(options.store, options.manager, options.heal, options.manager.uptime), alerts: (view: FiringViewOptions) => loadFiringView(options.store, view) };

  app.get(BASE, async (request, reply) => {
    if (!canLogIn(credentials)) return sendPage(reply, 200, await mainPage(options, queries, null, READ_ONLY));
    const session = await sessionOf(request, sessions);
    if (!session) return reply.redirect(`${BASE}/login`, 303);
    return sendPage(reply, 200, await mainPage(options, queries, { session, flash: await sessions.takeFlash(session) }, null));
  });

  app.get(`${BASE}/alerts/:id`, async (request, reply) => {
    const session = canLogIn(credentials) ? await sessionOf(request, sessions) : null;
    if (canLogIn(credentials) && !session) return reply.redirect(`${BASE}/login`, 303);
    const id = alertParam.safeParse(request.params);
    const alert = id.success ? await getAlertDetail(options.store, id.data.id) : undefined;
    if (!alert) return refuse(reply, 404, 'No such alert.');
    const flash = session ? await sessions.takeFlash(session) : undefined;
    const body = html`${flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : ''}${alertPageBody(alert, await listAuditOfAlert(options.store, alert.id), session?.csrf ?? null, new Date(), options.messageLink)}`;
    return sendPage(reply, 200, page(`opsbot alert #${alert.id}`, body));
  });

  app.get(`${BASE}/alerts`, async (request, reply) => {
    if (canLogIn(credentials) && !(await sessionOf(request, sessions))) return reply.redirect(`${BASE}/login`, 303);
    const parsed = listFilter.safeParse(request.query);
    const given = parsed.success ? parsed.data : {};
    const filter = { severity: given.severity || undefined, status: given.status || undefined, service: given.service || undefined, text: given.text || undefined };
    const alerts = await listAlerts(options.store, { ...filter, limit: LISTED });
    return sendPage(reply, 200, page('opsbot alerts', alertListBody(alerts, filter, LISTED, new Date()), html``, REFRESH_SECONDS));
  });

  app.get(`${BASE}/audit`, async (request, reply) => {
    if (canLogIn(credentials) && !(await sessionOf(request, sessions))) return reply.redirect(`${BASE}/login`, 303);
    const parsed = auditFilter.safeParse(request.query);
    const given = parsed.success ? parsed.data : {};
    const filter = { user: given.user || undefined, command: given.command || undefined, result: given.result || undefined };
    const rows = await listAudit(options.store, {
      limit: LISTED,
      ...(given.before !== undefined ? { before: given.before } : {}),
      ...(filter.user ? { userId: filter.user } : {}),
      ...(filter.command ? { command: filter.command } : {}),
      ...(filter.result ? { result: filter.result } : {}),
    });
    const next = rows.length === LISTED ? rows.at(-1)!.id : null;
    return sendPage(reply, 200, page('opsbot audit log', auditBody(rows, filter, next, new Date())));
  });

  app.get(`${BASE}/silences`, async (request, reply) => {
    const session = canLogIn(credentials) ? await sessionOf(request, sessions) : null;
    if (canLogIn(credentials) && !session) return reply.redirect(`${BASE}/login`, 303);
    const csrf = session?.csrf ?? null;
    const draft = silenceDraft.safeParse(request.query);
    const form = draft.success ? draft.data : {};
    let preview;
    let problem: string | undefined;
    if (csrf && form.matchers) {
      try {
        const matchers = parseMatchers(form.matchers);
        if (!form.comment) problem = 'Say why: a silence needs a reason.';
        else preview = previewSection({ matchers, duration: form.duration ?? '1h', comment: form.comment }, await firingMatches(options.store, matchers), csrf);
      } catch (error) {
        if (!(error instanceof MatcherError)) throw error;
        problem = error.message;
      }
    }
    const flash = session ? await sessions.takeFlash(session) : undefined;
    const listed = await listSilences(options.store, 'all', new Date(), 50);
    const body = html`${flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : ''}${silencesBody(listed, csrf, new Date(), { form, ...(preview ? { preview } : {}), ...(problem ? { problem } : {}) })}`;
    return sendPage(reply, 200, page('opsbot silences', body));
  });

  app.get(`${BASE}/reports/:name`, async (request, reply) => {
    if (canLogIn(credentials) && !(await sessionOf(request, sessions))) return reply.redirect(`${BASE}/login`, 303);
    const name = reportParam.safeParse(request.params);
    const text = name.success ? await options.reportText(name.data.name) : null;
    if (text === null) return refuse(reply, 404, 'No such report.');
    return sendPage(reply, 200, page(`opsbot report ${name.data!.name}`, html`<p><a href="${BASE}">Back to the dashboard</a></p><section class="report">${reportHtml(text)}</section>`));
  });
}
