import type { AlertRow } from '../../db/schema.js';
import { SEVERITIES } from '../../shared/types.js';
import { BASE } from '../auth.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';

export interface AlertListFilter {
  status?: 'firing' | 'resolved' | undefined;
  severity?: (typeof SEVERITIES)[number] | undefined;
  service?: string | undefined;
  text?: string | undefined;
}

/** The alerts list: a filter form (severity, service, state, words in the title) and the newest matching alerts. */
export function alertListBody(alerts: AlertRow[], filter: AlertListFilter, limit: number, now: Date): SafeHtml {
  const option = (value: string, label: string, chosen: string | undefined) => html`<option value="${value}"${value === (chosen ?? '') ? html` selected` : ''}>${label}</option>`;
  const form = html`<form method="get" action="${BASE}/alerts" class="filters">
<label>Severity <select name="severity">${option('', 'any', filter.severity)}${SEVERITIES.map((s) => option(s, s, filter.severity))}</select></label>
<label>State <select name="status">${option('', 'any', filter.status)}${option('firing', 'firing', filter.status)}${option('resolved', 'resolved', filter.status)}</select></label>
<label>Service <input name="service" maxlength="200" size="12" value="${filter.service ?? ''}"></label>
<label>Title has <input name="text" maxlength="200" size="16" value="${filter.text ?? ''}"></label>
<button type="submit">Filter</button></form>`;
  const rows = alerts.map(
    (a) => html`<tr data-alert="${a.id}"><td><a href="${BASE}/alerts/${a.id}">#${a.id}</a></td><td class="sev sev-${a.severity}">${a.severity}</td><td>${a.status}${a.ackedBy ? html` <span class="muted">acked by ${a.ackedBy}</span>` : ''}</td>
<td>${a.title}</td><td>${a.service ?? '—'}</td><td title="${formatTime(a.firedAt)}">${formatAgo(a.firedAt, now)}</td></tr>`,
  );
  return html`<p><a href="${BASE}">← Dashboard</a></p>
<section id="alert-list"><h2>Alerts</h2>${form}
${rows.length === 0 ? html`<p class="muted">No alert matches.</p>` : html`<table><thead><tr><th>#</th><th>Severity</th><th>State</th><th>Title</th><th>Service</th><th>Fired</th></tr></thead><tbody>${rows}</tbody></table>`}
${alerts.length === limit ? html`<p class="muted">The newest ${limit}; narrow the filter, or page through GET /api/v1/alerts.</p>` : ''}
<p class="muted">This page reloads itself every 30 s.</p></section>`;
}
