import type { AlertDetail } from '../../alerts/query.js';
import type { AuditRow } from '../../db/schema.js';
import type { Platform } from '../../shared/types.js';
import { BASE } from '../auth.js';
import { actionForm } from '../forms.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';

/** How long the alert page's Silence button silences, the choices offered. */
export const SILENCE_CHOICES = ['30m', '1h', '4h', '1d'] as const;

/** The Ack, Resolve and Silence forms of a firing alert (none for a resolved one, or without a session). */
function actions(alert: AlertDetail, csrf: string | null): SafeHtml | '' {
  if (!csrf || alert.status !== 'firing') return '';
  const ack = alert.ackedAt ? '' : actionForm(`${BASE}/alerts/${alert.id}/ack`, csrf, 'Ack', { title: `Acknowledge alert #${alert.id}` });
  const resolve = actionForm(`${BASE}/alerts/${alert.id}/resolve`, csrf, 'Resolve', { title: `Resolve alert #${alert.id} by hand` });
  const silence = html`<form method="post" action="${BASE}/alerts/${alert.id}/silence" class="silence">
<input type="hidden" name="csrf" value="${csrf}">
<label>Silence alerts like this for <select name="duration">${SILENCE_CHOICES.map((d) => html`<option value="${d}">${d}</option>`)}</select></label>
<label>because <input name="comment" required maxlength="500" placeholder="why"></label>
<button type="submit">Silence</button></form>`;
  return html`<div class="actions">${ack}${resolve}${silence}</div>`;
}

function labelsTable(labels: Record<string, string>): SafeHtml {
  const rows = Object.entries(labels).map(([name, value]) => html`<tr><th>${name}</th><td>${value}</td></tr>`);
  return rows.length === 0 ? html`<p class="muted">No labels.</p>` : html`<table class="labels"><tbody>${rows}</tbody></table>`;
}

function deliveriesTable(alert: AlertDetail, messageLink: MessageLink): SafeHtml {
  const via = new Map(alert.route.destinations.map((d) => [`${d.platform}:${d.destination}`, d.via]));
  const rows = alert.deliveries.map(
    (d) => html`<tr data-delivery="${d.id}"><td>${d.platform}</td><td>${d.destination}</td><td>${via.get(`${d.platform}:${d.destination}`) ?? '—'}</td>
<td class="${d.state === 'failed' ? 'state-bad' : d.state === 'sent' ? 'state-ok' : ''}">${d.summary ? html`${d.state} in ${d.summary.group ? 'group' : 'storm summary'} #${d.summary.id}` : d.state}</td>
<td>${messageCell(d.platform, d.destination, d.messageId ?? d.summary?.messageId ?? null, messageLink)}</td><td>${d.attempts}</td><td>${d.sentAt ? formatTime(d.sentAt) : '—'}</td><td>${d.lastError ?? ''}</td></tr>`,
  );
  if (rows.length === 0) return html`<p class="muted">No destination: stored, posted nowhere.</p>`;
  return html`<table><thead><tr><th>Platform</th><th>Destination</th><th>Why</th><th>State</th><th>Message</th><th>Attempts</th><th>Sent</th><th>Last error</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A link to a posted message where the platform has one for the destination (see `messageLink` in each platform's settings). */
export type MessageLink = (platform: Platform, destination: string, messageId: string) => string | null;

function messageCell(platform: Platform, destination: string, messageId: string | null, messageLink: MessageLink): SafeHtml | string {
  if (messageId === null) return '—';
  const link = messageLink(platform, destination, messageId);
  return link ? html`<a href="${link}" rel="noreferrer">${messageId}</a>` : messageId;
}

function escalationTable(alert: AlertDetail, now: Date): SafeHtml {
  if (alert.escalation.length === 0) return html`<p class="muted">No escalation ladder.</p>`;
  const rows = alert.escalation.map(
    (s) => html`<tr><td>L${s.level}${s.repeat > 0 ? html` <span class="muted">repeat ${s.repeat}</span>` : ''}</td><td title="${formatTime(s.dueAt)}">${formatAgo(s.dueAt, now)}</td><td>${s.state}</td><td>${s.detail ?? ''}</td></tr>`,
  );
  return html`<table><thead><tr><th>Level</th><th>Due</th><th>State</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function auditTable(audit: AuditRow[], now: Date): SafeHtml {
  if (audit.length === 0) return html`<p class="muted">Nobody has acted on it yet.</p>`;
  const rows = audit.map(
    (a) => html`<tr><td title="${formatTime(a.at)}">${formatAgo(a.at, now)}</td><td>${a.userName ?? a.userId}</td><td>${a.via} (${a.platform})</td><td>${a.command}</td><td class="${a.result === 'ok' ? '' : 'state-bad'}">${a.result}</td><td>${a.detail ?? ''}</td></tr>`,
  );
  return html`<table><thead><tr><th>When</th><th>Who</th><th>Through</th><th>Command</th><th>Result</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** One alert: what it is, where it went and why, its ladder, who did what to it, and the buttons that act on it. */
export function alertPageBody(alert: AlertDetail, audit: AuditRow[], csrf: string | null, now: Date, messageLink: MessageLink): SafeHtml {
  const route = alert.route.usedDefault ? 'no route matched: the default route' : `routes ${alert.route.matched.join(' → ')}`;
  const state = alert.status === 'resolved' ? `resolved ${formatAgo(alert.resolvedAt, now)} by ${alert.resolvedBy ?? '?'}` : alert.ackedAt ? `acknowledged by ${alert.ackedBy ?? '?'} ${formatAgo(alert.ackedAt, now)}` : 'firing, not acknowledged';
  return html`<p><a href="${BASE}">← Dashboard</a></p>
<section id="alert" data-alert="${alert.id}"><h2><span class="sev sev-${alert.severity}">${alert.severity}</span> #${alert.id} ${alert.title}</h2>
<p>${state} · fired ${formatAgo(alert.firedAt, now)}${alert.count > 1 ? ` · seen ${alert.count} times, last ${formatAgo(alert.lastSeenAt, now)}` : ''}${alert.service ? ` · service ${alert.service}` : ''}${alert.source ? ` · from ${alert.source}` : ''}</p>
${alert.body ? html`<pre class="body">${alert.body}</pre>` : ''}
${alert.link ? html`<p><a href="${alert.link}" rel="noreferrer">${alert.link}</a></p>` : ''}
${actions(alert, csrf)}
${labelsTable(alert.labels)}
${alert.dedupKey ? html`<p class="muted">dedup key ${alert.dedupKey}</p>` : ''}</section>
<section id="route"><h2>Where it went</h2><p>${route}; escalation ${alert.route.escalation ?? 'none'}${alert.silenceId ? html` · <strong>held by silence #${alert.silenceId}</strong>` : ''}${alert.inhibitedBy ? html` · <strong>inhibited by <a href="${BASE}/alerts/${alert.inhibitedBy}">#${alert.inhibitedBy}</a></strong>` : ''}</p>${deliveriesTable(alert, messageLink)}</section>
<section id="ladder"><h2>Escalation</h2>${escalationTable(alert, now)}</section>
<section id="audit"><h2>Who did what</h2>${auditTable(audit, now)}</section>`;
}
