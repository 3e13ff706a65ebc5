import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { loadFiringView, type FiringViewOptions } from '../alerts/firing-view.js';
import { BASE, canLogIn, sessionOf } from './auth.js';
import { html } from './html.js';
import { page } from './layout.js';
import { mainPage } from './page.js';
import { READ_ONLY, refuse, sendPage, type RouteContext } from './route-context.js';
import { ServicesQuery } from './sections/services-query.js';
import { alertPageBody } from './sections/alert-page.js';
import { getAlertDetail } from '../alerts/query.js';
import { listAuditOfAlert } from '../operations/audit-log.js';

const alertParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
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
    const body = html`${flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : ''}${alertPageBody(alert, await listAuditOfAlert(options.store, alert.id), session?.csrf ?? null, new Date())}`;
    return sendPage(reply, 200, page(`opsbot alert #${alert.id}`, body));
  });

  app.get(`${BASE}/reports/:name`, async (request, reply) => {
    if (canLogIn(credentials) && !(await sessionOf(request, sessions))) return reply.redirect(`${BASE}/login`, 303);
    const name = reportParam.safeParse(request.params);
    const text = name.success ? await options.reportText(name.data.name) : null;
    if (text === null) return refuse(reply, 404, 'No such report.');
    return sendPage(reply, 200, page(`opsbot report ${name.data!.name}`, html`<p><a href="${BASE}">Back to the dashboard</a></p><pre class="report">${text}</pre>`));
  });
}
