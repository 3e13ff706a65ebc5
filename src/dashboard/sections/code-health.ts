import type { CodeMeasurementRow } from '../../db/schema.js';
import { formatAgo, html, type SafeHtml } from '../html.js';

export interface RepositoryHealth {
  repository: string;
  measurements: CodeMeasurementRow[];
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The governed repositories' latest figures, with the change since the measurement before; nothing when none is governed. */
export function codeHealthSection(repositories: RepositoryHealth[], now: Date): SafeHtml | '' {
  if (repositories.length === 0) return '';
  const rows = repositories.map(({ repository, measurements: [latest, before] }) => {
    if (!latest) return html`<tr><td>${repository}</td><td colspan="6" class="muted">not measured yet: the next ops cycle measures it</td></tr>`;
    if (latest.problem) return html`<tr><td>${repository}</td><td colspan="6" class="state-bad">cannot be measured: ${latest.problem}</td></tr>`;
    const change = (pick: (m: CodeMeasurementRow) => number) => (before && before.problem === null ? ` (${signed(pick(latest) - pick(before))})` : '');
    return html`<tr data-repository="${repository}"><td>${repository}</td><td title="${latest.largestFile ?? ''}">${latest.largestLines}</td>
<td>${latest.filesOverLimit}${change((m) => m.filesOverLimit)}</td><td>${latest.todoCount}${change((m) => m.todoCount)}</td>
<td>${latest.duplicatedLines}${change((m) => m.duplicatedLines)}</td><td>${latest.lines}${change((m) => m.lines)}</td><td>${formatAgo(latest.at, now)}</td></tr>`;
  });
  return html`<section id="code-health"><h2>Code health</h2>
<table><thead><tr><th>Repository</th><th>Largest file</th><th>Over the limit</th><th>TODO/FIXME</th><th>Duplicated lines</th><th>Lines</th><th>Measured</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
