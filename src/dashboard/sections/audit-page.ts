import type { AuditRow } from '../../db/schema.js';
import { BASE } from '../auth.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';

export interface AuditPageFilter {
  user?: string | undefined;
  command?: string | undefined;
  result?: AuditRow['result'] | undefined;
}

/** The audit log: who did what, through which channel, allowed or refused; newest first, with filters and paging. */
export function auditBody(rows: AuditRow[], filter: AuditPageFilter, next: number | null, now: Date): SafeHtml {
  const option = (value: string, chosen: string | undefined) => html`<option value="${value}"${value === (chosen ?? '') ? html` selected` : ''}>${value || 'any'}</option>`;
  const form = html`<form method="get" action="${BASE}/audit" class="filters">
<label>User id <input name="user" maxlength="200" size="14" value="${filter.user ?? ''}"></label>
<label>Command <input name="command" maxlength="64" size="10" value="${filter.command ?? ''}"></label>
<label>Result <select name="result">${['', 'ok', 'refused', 'invalid', 'error'].map((r) => option(r, filter.result))}</select></label>
<button type="submit">Filter</button></form>`;
  const lines = rows.map(
    (a) => html`<tr data-audit="${a.id}"><td title="${formatTime(a.at)}">${formatAgo(a.at, now)}</td><td>${a.userName ?? a.userId}</td><td>${a.via} (${a.platform})</td>
<td>${a.command}${Object.keys(a.args).length ? html` <span class="muted">${Object.entries(a.args).map(([k, v]) => `${k}=${v}`).join(' ')}</span>` : ''}</td>
<td class="${a.result === 'ok' ? '' : 'state-bad'}">${a.result}</td><td>${a.detail ?? ''}</td></tr>`,
  );
  const query = new URLSearchParams(Object.entries({ ...filter, before: next === null ? undefined : String(next) }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return html`<p><a href="${BASE}">← Dashboard</a></p>
<section id="audit-log"><h2>Audit log</h2>${form}
${lines.length === 0 ? html`<p class="muted">No entries.</p>` : html`<table><thead><tr><th>When</th><th>Who</th><th>Through</th><th>Command</th><th>Result</th><th>Detail</th></tr></thead><tbody>${lines}</tbody></table>`}
${next === null ? '' : html`<p><a href="${BASE}/audit?${query.toString()}">Older entries</a></p>`}</section>`;
}
