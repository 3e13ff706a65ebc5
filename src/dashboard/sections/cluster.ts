import type { ClusterView } from '../../cluster/instances.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';

/** The opsbot instances sharing the store: each one's last beat, which are lost, and who leads since when. */
export function clusterSection(view: ClusterView, now: Date): SafeHtml {
  const leader = view.leader
    ? html`<p>${view.leader.name} leads since <span title="${formatTime(view.leader.since)}">${formatAgo(view.leader.since, now)}</span>.</p>`
    : html`<p class="state-bad">No instance leads: chat commands go unanswered until one does.</p>`;
  const rows = view.instances.map(
    (instance) => html`<tr data-instance="${instance.name}"><td><strong>${instance.name}</strong>${instance.leading ? ' (leader)' : ''}</td>
<td>${instance.host} · pid ${String(instance.pid)}</td>
<td class="${instance.lost ? 'state-bad' : 'state-ok'}">${instance.lost ? 'lost' : 'up'}</td>
<td title="${formatTime(instance.lastBeatAt)}">${formatAgo(instance.lastBeatAt, now)}</td>
<td>${instance.version}</td></tr>`,
  );
  return html`<section id="cluster"><h2>opsbot instances</h2>${leader}
<table><thead><tr><th>Instance</th><th>Runs on</th><th>State</th><th>Last beat</th><th>Version</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
