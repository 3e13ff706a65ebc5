import { and, eq } from 'drizzle-orm';
import type { AlertRow } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import type { SilenceMatcherJson } from '../../db/schema.js';
import { formatMatchers } from '../../shared/matcher-syntax.js';
import { matchesAll } from '../../routing/matchers.js';
import type { SilenceView } from '../../routing/silences.js';
import { BASE } from '../auth.js';
import { actionForm } from '../forms.js';
import { formatAgo, formatTime, html, type SafeHtml } from '../html.js';
import { SILENCE_CHOICES } from './alert-page.js';

/** How many firing alerts a preview looks through, and how many of the matching ones it lists. */
const PREVIEW_SCAN = 10_000;
const PREVIEW_LISTED = 20;

export interface SilenceDraft {
  matchers: SilenceMatcherJson[];
  duration: (typeof SILENCE_CHOICES)[number];
  comment: string;
}

/** The firing alerts a silence with `matchers` would hold back now (of the first 10,000 firing). */
export async function firingMatches(store: Store, matchers: SilenceMatcherJson[]): Promise<Array<Pick<AlertRow, 'id' | 'severity' | 'title' | 'service' | 'labels'>>> {
  const { alerts } = store.t;
  const firing = await store.db
    .select({ id: alerts.id, severity: alerts.severity, title: alerts.title, service: alerts.service, labels: alerts.labels })
    .from(alerts)
    .where(and(eq(alerts.status, 'firing')))
    .orderBy(alerts.id)
    .limit(PREVIEW_SCAN);
  return firing.filter((alert) => matchesAll(matchers, alert));
}

function createForm(draft: Partial<{ matchers: string; duration: string; comment: string }>): SafeHtml {
  return html`<form method="get" action="${BASE}/silences" class="silence-new">
<label>Matchers <input name="matchers" required maxlength="2000" size="40" placeholder="service=db,env=~prod.*" value="${draft.matchers ?? ''}"></label>
<label>for <select name="duration">${SILENCE_CHOICES.map((d) => html`<option value="${d}"${d === draft.duration ? html` selected` : ''}>${d}</option>`)}</select></label>
<label>because <input name="comment" required maxlength="500" placeholder="why" value="${draft.comment ?? ''}"></label>
<button type="submit">Preview</button></form>`;
}

/** What a silence would hold, before it is made: the count and the first matching alerts, and the confirming form. */
export function previewSection(draft: SilenceDraft, matches: Awaited<ReturnType<typeof firingMatches>>, csrf: string): SafeHtml {
  const text = formatMatchers(draft.matchers);
  const rows = matches.slice(0, PREVIEW_LISTED).map((a) => html`<tr><td><a href="${BASE}/alerts/${a.id}">#${a.id}</a></td><td class="sev sev-${a.severity}">${a.severity}</td><td>${a.title}</td><td>${a.service ?? '—'}</td></tr>`);
  return html`<section id="preview"><h2>Preview: ${text} for ${draft.duration}</h2>
<p>Matches ${matches.length} firing ${matches.length === 1 ? 'alert' : 'alerts'}${matches.length > PREVIEW_LISTED ? html` (the first ${PREVIEW_LISTED} below)` : ''}; alerts that fire later and match are held back too.</p>
${rows.length > 0 ? html`<table><tbody>${rows}</tbody></table>` : ''}
<form method="post" action="${BASE}/silences"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="matchers" value="${text}">
<input type="hidden" name="duration" value="${draft.duration}"><input type="hidden" name="comment" value="${draft.comment}"><button type="submit">Silence ${matches.length} firing ${matches.length === 1 ? 'alert' : 'alerts'} for ${draft.duration}</button></form></section>`;
}

/** The silences, active first, each active one with an Expire button; and the form that starts a new one. */
export function silencesBody(silences: SilenceView[], csrf: string | null, now: Date, extra: { form?: Partial<{ matchers: string; duration: string; comment: string }>; preview?: SafeHtml; problem?: string } = {}): SafeHtml {
  const rows = silences.map(
    (s) => html`<tr data-silence="${s.id}"><td>#${s.id}</td><td>${s.state}</td><td>${formatMatchers(s.matchers)}</td>
<td title="${formatTime(s.removedAt ?? s.endsAt)}">${s.state === 'active' ? html`ends ${formatAgo(s.endsAt, now)}` : html`ended ${formatAgo(s.removedAt ?? s.endsAt, now)}${s.removedBy ? ` by ${s.removedBy}` : ''}`}</td>
<td>${s.holding ?? ''}</td><td>${s.createdBy}</td><td>${s.reason ?? ''}</td>
<td>${csrf && s.state === 'active' ? actionForm(`${BASE}/silences/${s.id}/expire`, csrf, 'Expire', { title: `End silence #${s.id} now` }) : ''}</td></tr>`,
  );
  return html`<p><a href="${BASE}">← Dashboard</a></p>
${extra.problem ? html`<div class="flash error" role="alert">${extra.problem}</div>` : ''}
${csrf ? html`<section id="new-silence"><h2>New silence</h2>${createForm(extra.form ?? {})}</section>` : ''}
${extra.preview ?? ''}
<section id="silences"><h2>Silences</h2>${
    rows.length === 0
      ? html`<p class="muted">No silences.</p>`
      : html`<table><thead><tr><th>#</th><th>State</th><th>Matchers</th><th>Ends</th><th>Holding</th><th>By</th><th>Why</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
  }</section>`;
}
