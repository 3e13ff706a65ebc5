import { BASE } from './auth.js';
import { historyChart } from './chart.js';
import { actionForm } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { alertsSection, escalationsSection, FAILED_WINDOW_MS, SHOWN } from './sections/alerts.js';
import type { FiringView, FiringViewOptions } from '../alerts/firing-view.js';
import type { ServicesQuery } from './sections/services-query.js';
import { healRunsSection, heartbeatsSection, reportsSection } from './sections/activity.js';
import { codeHealthSection } from './sections/code-health.js';
import { criteriaSection } from './sections/criteria.js';
import { clusterSection } from './sections/cluster.js';
import { LOST_AFTER_MS, listInstances } from '../cluster/instances.js';
import { servicesSection } from './sections/services.js';
import type { Session } from './sessions.js';
import type { DashboardOptions } from './types.js';

const DAY = 86_400_000;
/** The main page reloads itself this often (its forms are buttons only, so nothing typed is lost). */
const MAIN_PAGE_REFRESH_SECONDS = 30;
const HEAL_RUNS_SHOWN = 15;

export interface PageQueries {
  services: ServicesQuery;
  alerts(options: FiringViewOptions): Promise<FiringView>;
}

/**
 * The main page. `signedIn` null means read-only (no credential configured): no forms at all; its
 * `flash` is the message the last action left.
 * Every query is bounded and prepared once: the first 100 firing alerts and escalations, counts by
 * index, one row and one indexed heal-run lookup per service, and the services' cached uptime buckets.
 */
export async function mainPage(options: DashboardOptions, queries: PageQueries, signedIn: { session: Session; flash: Session['flash'] } | null, readOnlyReason: string | null): Promise<SafeHtml> {
  const session = signedIn?.session ?? null;
  const now = new Date();
  const nowMs = now.getTime();
  const csrf = session?.csrf ?? null;
  const services = await queries.services.load(now);
  const views = services.map((s) => s.view);
  const charts = new Map(services.map((s) => [s.view.name, historyChart(s.view.name, s.lastDay, nowMs - DAY, nowMs)]));
  const alerts = await queries.alerts({ limit: SHOWN, failedSince: new Date(nowMs - FAILED_WINDOW_MS) });
  const flash = signedIn?.flash;
  const header = session
    ? html`<span>Logged in as ${session.user}</span>${actionForm(`${BASE}/logout`, session.csrf, 'Log out')}`
    : html`<a href="${BASE}/login" style="color:#fff">Log in</a>`;
  const body = html`${flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : ''}
${readOnlyReason ? html`<div class="banner">${readOnlyReason}</div>` : ''}
${alertsSection(alerts, csrf, now, options.platforms)}
${escalationsSection(alerts, csrf, now)}
${servicesSection(views, charts, csrf, now)}
${healRunsSection(await options.heal.listRuns(undefined, HEAL_RUNS_SHOWN), now)}
${heartbeatsSection(await options.heartbeats.list(now), now)}
${reportsSection(await safeReports(options), now)}
${criteriaSection(await options.criteria(), now)}
${codeHealthSection(await options.codeHealth(), now)}
${clusterSection(await listInstances(options.store, now, LOST_AFTER_MS), now)}`;
  return page('opsbot governance', body, header, MAIN_PAGE_REFRESH_SECONDS);
}

async function safeReports(options: DashboardOptions) {
  try {
    return await options.listReports();
  } catch (error) {
    options.log.warn({ err: error }, 'dashboard: could not list reports');
    return [];
  }
}

export function loginPage(message: { kind: 'error' | 'info'; text: string } | null, canLogIn: boolean): SafeHtml {
  const body = html`<section class="login"><h2>Log in</h2>
${message ? html`<div class="${message.kind === 'error' ? 'flash error' : 'banner'}" role="alert">${message.text}</div>` : ''}
${
  canLogIn
    ? html`<form method="post" action="${BASE}/login">
<label for="token">API token or dashboard password</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<label for="name">Your name (for the audit log, optional)</label>
<input id="name" name="name" type="text" maxlength="64" autocomplete="username">
<button type="submit">Log in</button></form>`
    : html`<p>No credential is configured, so nobody can log in and the dashboard is read-only.
Set <code>API_TOKEN</code> or <code>DASHBOARD_PASSWORD</code> in the environment to log in. <a href="${BASE}">Open the read-only dashboard</a>.</p>`
}</section>`;
  return page('opsbot governance · log in', body);
}
