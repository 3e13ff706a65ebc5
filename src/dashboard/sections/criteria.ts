import type { Criterion } from '../../reports/criteria.js';
import { formatAgo, html, type SafeHtml } from '../html.js';

const cell = ({ value, met }: { value: string; met: boolean | null }) => html`<td class="${met === false ? 'state-bad' : met ? 'state-ok' : ''}">${value}${met === false ? ' (missed)' : ''}</td>`;

/** The plan's success criteria as the newest report measured them, over 48 h and 7 d. */
export function criteriaSection(latest: { report: string; at: Date; criteria: Criterion[] } | null, now: Date): SafeHtml {
  if (!latest) return html`<section id="criteria"><h2>Success criteria</h2><p class="muted">Measured by each ops cycle; none has run yet.</p></section>`;
  const rows = latest.criteria.map((c) => html`<tr><td>${c.name}</td><td>${c.target}</td>${cell(c.windows['48 h'])}${cell(c.windows['7 d'])}</tr>`);
  return html`<section id="criteria"><h2>Success criteria</h2><p class="muted">As report ${latest.report} measured them, ${formatAgo(latest.at, now)}.</p>
<table><thead><tr><th>Criterion</th><th>Target</th><th>48 h</th><th>7 d</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
