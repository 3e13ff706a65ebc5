import type { ServiceView } from '../../heal/service-view.js';
import { BASE } from '../auth.js';
import { actionForm } from '../forms.js';
import { formatAgo, formatPercent, html, type SafeHtml } from '../html.js';

const GOOD_STATES = new Set(['running', 'external']);

function stateCell(view: ServiceView): SafeHtml {
  if (!view.enabled) return html`<span class="muted">disabled (maintenance)</span>`;
  const bad = !GOOD_STATES.has(view.state) || view.health === 'unhealthy';
  const health = view.health === 'unknown' ? '' : ` · ${view.health}`;
  return html`<span class="${bad ? 'state-bad' : 'state-ok'}">${view.state}${health}</span>`;
}

/** Where a service of a named instance runs now: its instance, or its fallback while it took it over. */
function runsOn(view: ServiceView): SafeHtml | '' {
  if (view.takenOverBy) return html` · on ${view.takenOverBy} in place of lost ${view.instance ?? ''}`;
  return view.instance ? html` · on ${view.instance}` : '';
}

/** The role map: every configured service with its owner, state, uptime, 24 h history and the maintenance switch. */
export function servicesSection(views: readonly ServiceView[], charts: ReadonlyMap<string, SafeHtml>, csrf: string | null, now: Date): SafeHtml {
  if (views.length === 0) return html`<section id="services"><h2>Services</h2><p class="muted">No services configured (services: in the config).</p></section>`;
  const rows = views.map((view) => {
    const path = `${BASE}/services/${encodeURIComponent(view.name)}/${view.enabled ? 'disable' : 'enable'}`;
    const lastHeal = view.lastHeal
      ? html`${view.lastHeal.action} · ${view.lastHeal.outcome} · ${formatAgo(view.lastHeal.startedAt, now)}`
      : html`<span class="muted">never</span>`;
    return html`<tr data-service="${view.name}">
<td><strong>${view.name}</strong><br><span class="muted">${view.kind}${runsOn(view)}</span></td>
<td>${view.role}</td><td>${view.owner}</td>
<td>${stateCell(view)}${view.restarts > 0 ? html`<br><span class="muted">${view.restarts} restarts</span>` : ''}</td>
<td class="enabled">${view.enabled ? 'enabled' : 'disabled'}</td>
<td>${formatPercent(view.uptime24h)}</td><td>${formatPercent(view.uptime7d)}</td>
<td>${charts.get(view.name) ?? ''}</td>
<td>${lastHeal}</td>
<td>${csrf ? actionForm(path, csrf, view.enabled ? 'Disable' : 'Enable', { danger: view.enabled, title: view.enabled ? `Disable ${view.name} for maintenance` : `Enable ${view.name}` }) : ''}</td>
</tr>`;
  });
  return html`<section id="services"><h2>Services and agents</h2>
<table><thead><tr><th>Service</th><th>Role</th><th>Owner</th><th>State</th><th>Enabled</th><th>Up 24 h</th><th>Up 7 d</th><th>Last 24 h</th><th>Last heal</th><th></th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}
