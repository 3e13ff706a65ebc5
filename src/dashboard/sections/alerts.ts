import type { AlertRow } from '../../db/schema.js';
import { BASE } from '../auth.js';
import { actionForm } from '../forms.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';
import type { FiringView } from '../../alerts/firing-view.js';

export const SHOWN = 100;
/** The window of the failed-deliveries count, and of what its Re-send button sends again. */
export const FAILED_WINDOW_MS = 86_400_000;

function resendButton(view: FiringView, csrf: string | null): SafeHtml | '' {
  if (view.failedDeliveriesSince === 0 || !csrf) return '';
  const label = `Re-send the ${view.failedDeliveriesSince} failed ${view.failedDeliveriesSince === 1 ? 'delivery' : 'deliveries'}`;
  return html`<div class="resend">${actionForm(`${BASE}/deliveries/resend`, csrf, label, { title: 'Send the deliveries that failed in the last 24 h again' })}</div>`;
}

function ackCell(alert: AlertRow, csrf: string | null, now: Date): SafeHtml {
  if (alert.ackedAt) return html`<span class="acked">acked by ${alert.ackedBy ?? '?'} ${formatAgo(alert.ackedAt, now)}</span>`;
  return csrf ? actionForm(`${BASE}/alerts/${alert.id}/ack`, csrf, 'Ack', { title: `Acknowledge alert #${alert.id}` }) : html`<span class="muted">not acked</span>`;
}

/** Why deliveries wait, where it is a setting: those of a platform with no token wait until one is set. */
function waitingForToken(view: FiringView, configured: readonly string[]): string {
  const waiting = Object.entries(view.pendingByPlatform).filter(([platform, n]) => n > 0 && !configured.includes(platform));
  return waiting.map(([platform, n]) => ` (${n} for ${platform}, which has no token set: they wait for one; opsbot doctor names the variable)`).join('');
}

/** Firing alerts (CRIT first, newest first within a severity) with their ack buttons, and the counts. */
export function alertsSection(view: FiringView, csrf: string | null, now: Date, configured: readonly string[]): SafeHtml {
  const { firing, counts, firingTotal: total } = view;
  const rows = firing.slice(0, SHOWN).map(
    (alert) => html`<tr data-alert="${alert.id}">
<td><a href="${BASE}/alerts/${alert.id}">#${alert.id}</a></td><td class="sev sev-${alert.severity}">${alert.severity}</td>
<td>${alert.title}${alert.count > 1 ? html` <span class="muted">×${alert.count}</span>` : ''}</td>
<td>${alert.service ?? '—'}</td>
<td title="${formatTime(alert.firedAt)}">${formatAgo(alert.firedAt, now)}</td>
<td>${ackCell(alert, csrf, now)}</td></tr>`,
  );
  const more = total > SHOWN ? html`<p class="muted">Showing ${SHOWN} of ${total}; the API lists all: GET /api/v1/alerts?status=firing</p>` : '';
  return html`<section id="alerts"><h2>Firing alerts</h2>
<p class="counts"><span class="sev sev-CRIT">${counts.CRIT} CRIT</span><span class="sev sev-WARN">${counts.WARN} WARN</span><span class="sev sev-INFO">${counts.INFO} INFO</span>
<span class="muted">${view.pendingDeliveries} deliveries pending${waitingForToken(view, configured)} · ${view.failedDeliveriesSince} failed in 24 h</span></p>
${resendButton(view, csrf)}
${total === 0 ? html`<p class="muted">Nothing is firing.</p>` : html`<table><thead><tr><th>#</th><th>Severity</th><th>Title</th><th>Service</th><th>Fired</th><th>Ack</th></tr></thead><tbody>${rows}</tbody></table>${more}`}
</section>`;
}

/** Firing alerts nobody has acknowledged that are on an escalation ladder, the next step due first. */
export function escalationsSection(view: FiringView, csrf: string | null, now: Date): SafeHtml {
  if (view.escalations.length === 0) return html`<section id="escalations"><h2>Open escalations</h2><p class="muted">No open escalations.</p></section>`;
  const rows = view.escalations.map(
    (e) => html`<tr data-escalation="${e.alertId}"><td><a href="${BASE}/alerts/${e.alertId}">#${e.alertId}</a></td><td class="sev sev-${e.severity}">${e.severity}</td><td>${e.title}</td>
<td>${e.reached > 0 ? `L${e.reached}` : 'not yet'}</td>
<td>${e.nextLevel !== null ? html`L${e.nextLevel} ${formatAgo(e.nextDueAt, now)}` : html`<span class="muted">ladder done</span>`}</td>
<td>${csrf ? actionForm(`${BASE}/alerts/${e.alertId}/ack`, csrf, 'Ack', { title: `Acknowledge alert #${e.alertId}` }) : ''}</td></tr>`,
  );
  const more = view.escalationTotal > view.escalations.length ? html`<p class="muted">Showing ${view.escalations.length} of ${view.escalationTotal}.</p>` : '';
  return html`<section id="escalations"><h2>Open escalations</h2>
<table><thead><tr><th>Alert</th><th>Severity</th><th>Title</th><th>Reached</th><th>Next</th><th>Ack</th></tr></thead><tbody>${rows}</tbody></table>${more}</section>`;
}
