import { BASE } from '../auth.js';
import type { HealRunRow } from '../../db/schema.js';
import { healOutcome } from '../../heal/heal-service.js';
import type { HeartbeatView } from '../../heartbeats/heartbeats.js';
import type { ReportEntry } from '../types.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';

export function healRunsSection(runs: readonly HealRunRow[], now: Date): SafeHtml {
  if (runs.length === 0) return html`<section id="heal-runs"><h2>Recent heal runs</h2><p class="muted">No heal runs yet.</p></section>`;
  const rows = runs.map(
    (run) => html`<tr><td>#${run.id}</td><td>${run.service}</td><td>${run.action}</td><td>${run.trigger} · ${run.triggeredBy}</td>
<td class="${run.state === 'failed' ? 'state-bad' : run.state === 'succeeded' ? 'state-ok' : ''}">${healOutcome(run)}</td>
<td title="${formatTime(run.startedAt)}">${formatAgo(run.startedAt, now)}</td>
<td>${run.durationMs !== null ? `${(run.durationMs / 1000).toFixed(1)} s` : '—'}</td>
<td>${run.verification ?? ''}${run.steps && run.steps.length > 1 ? html`<ol class="steps">${run.steps.map((step) => html`<li class="${step.ok ? '' : 'state-bad'}">${step.phase}: ${step.step}${step.ok ? '' : ` (${step.detail})`}</li>`)}</ol>` : ''}</td></tr>`,
  );
  return html`<section id="heal-runs"><h2>Recent heal runs</h2>
<table><thead><tr><th>#</th><th>Service</th><th>Action</th><th>Trigger</th><th>Result</th><th>Started</th><th>Took</th><th>Verification</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function heartbeatsSection(beats: readonly HeartbeatView[], now: Date): SafeHtml {
  if (beats.length === 0) return html`<section id="heartbeats"><h2>Heartbeats</h2><p class="muted">No heartbeats configured.</p></section>`;
  const rows = beats.map(
    (beat) => html`<tr data-heartbeat="${beat.name}"><td><strong>${beat.name}</strong>${beat.description ? html`<br><span class="muted">${beat.description}</span>` : ''}</td>
<td class="${beat.state === 'stale' || beat.state === 'failed' ? 'state-bad' : beat.state === 'up' ? 'state-ok' : ''}">${beat.state}</td>
<td title="${formatTime(beat.lastBeatAt)}">${formatAgo(beat.lastBeatAt, now)}</td>
<td>${beat.lastMessage ?? ''}</td>
<td title="${formatTime(beat.dueBy)}">${formatAgo(beat.dueBy, now)}</td></tr>`,
  );
  return html`<section id="heartbeats"><h2>Heartbeats</h2>
<table><thead><tr><th>Heartbeat</th><th>State</th><th>Last beat</th><th>Message</th><th>Stale</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const REPORTS_SHOWN = 10;

export function reportsSection(reports: readonly ReportEntry[], now: Date): SafeHtml {
  if (reports.length === 0) return html`<section id="reports"><h2>Latest reports</h2><p class="muted">No reports yet.</p></section>`;
  const latest = [...reports].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, REPORTS_SHOWN);
  const rows = latest.map(
    (r) => html`<tr><td><a href="${BASE}/reports/${r.name}">${r.name}</a></td><td title="${formatTime(r.at)}">${formatAgo(r.at, now)}</td><td><code>${r.path}</code></td></tr>`,
  );
  return html`<section id="reports"><h2>Latest reports</h2>
<table><thead><tr><th>Report</th><th>Written</th><th>File</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
