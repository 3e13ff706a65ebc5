import { formatDuration } from '../time/duration.js';
import type { OpsReport } from './report.js';

const percent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(1)} %`);
const duration = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : formatDuration(ms));
/** Table cells never break the table: pipes escaped, newlines flattened. */
const cell = (text: unknown) => String(text ?? '').replaceAll('|', '\\|').replace(/\s+/g, ' ');

function table(header: string[], rows: unknown[][]): string[] {
  if (rows.length === 0) return ['(none)'];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** The full report as Markdown: every section, then what could not be made. */
export function renderReportMarkdown(report: OpsReport): string {
  const lines = [
    `# Ops report ${report.name}`,
    '',
    `${report.kind} cycle · ${report.localTime} ${report.timezone} · period ${report.period.start} → ${report.period.end} · trigger: ${report.trigger}`,
    '',
    '## Checks run now',
    ...table(['service', 'result'], report.checks.services.map((s) => [s.service, s.result])),
    '',
    `Heartbeats that went stale during the check: ${report.checks.heartbeatsWentStale.join(', ') || 'none'}.`,
    `Trigger rules that fired during the check: ${report.checks.triggersFired.join(', ') || 'none'}.`,
  ];
  if (report.alerts) {
    const a = report.alerts;
    lines.push('', '## Alerts', `${a.total} alerts fired: CRIT ${a.bySeverity.CRIT}, WARN ${a.bySeverity.WARN}, INFO ${a.bySeverity.INFO}.`, '', ...table(['service', 'alerts'], a.byService.map((s) => [s.service, s.count])));
  }
  if (report.stillFiring) {
    lines.push('', `## Still firing (${report.stillFiring.total})`, ...table(['id', 'severity', 'title', 'service', 'fired', 'acked by'], report.stillFiring.listed.map((a) => [`#${a.id}`, a.severity, a.title, a.service ?? '', new Date(a.firedAt).toISOString(), a.ackedBy ?? ''])));
  }
  if (report.response) {
    const r = report.response;
    lines.push('', '## Response', `Mean time to acknowledge: ${duration(r.meanTimeToAckMs)} over ${r.acked} acks. Mean time to resolve: ${duration(r.meanTimeToResolveMs)} over ${r.resolved} resolutions.`);
  }
  if (report.escalations) {
    const e = report.escalations;
    lines.push('', `## Escalations (${e.alerts})`, ...table(['alert', 'highest level', 'title'], e.listed.map((x) => [`#${x.alertId}`, `L${x.level}`, x.title])));
  }
  if (report.heals) {
    const h = report.heals;
    lines.push('', `## Heal runs (${h.runs}, success rate ${percent(h.successRate)})`, ...table(['run', 'service', 'action', 'trigger', 'outcome', 'verification'], h.listed.map((r) => [`#${r.id}`, r.service, r.action, r.trigger, r.state, r.verification ?? ''])));
  }
  if (report.restarts) lines.push('', '## Restarts', ...table(['service', 'restarts'], report.restarts.map((r) => [r.service, r.count])));
  if (report.uptime) lines.push('', '## Uptime in the period', ...table(['service', 'uptime'], report.uptime.map((u) => [u.service, percent(u.ratio)])));
  if (report.heartbeats) {
    const hb = report.heartbeats;
    lines.push('', `## Heartbeats (${hb.total}, ${hb.down.length} down)`, ...table(['heartbeat', 'state', 'down since', 'last beat'], hb.down.map((d) => [d.name, d.state, d.since ? new Date(d.since).toISOString() : '', d.lastBeatAt ? new Date(d.lastBeatAt).toISOString() : 'never'])));
  }
  if (report.failedDeliveries) {
    lines.push('', `## Failed deliveries (${report.failedDeliveries.total})`, ...table(['alert', 'platform', 'destination', 'reason'], report.failedDeliveries.listed.map((d) => [`#${d.alertId}`, d.platform, d.destination, d.lastError ?? ''])));
  }
  if (report.triggerFires) lines.push('', '## Trigger fires', ...table(['rule', 'fires'], report.triggerFires.map((t) => [t.rule, t.fires])));
  if (report.criteria) {
    const mark = (met: boolean | null) => (met === null ? '–' : met ? 'met' : '**missed**');
    lines.push('', '## Success criteria', ...table(['criterion', 'target', '48 h', '7 d'], report.criteria.map((c) => [c.name, c.target, `${c.windows['48 h'].value} (${mark(c.windows['48 h'].met)})`, `${c.windows['7 d'].value} (${mark(c.windows['7 d'].met)})`])));
  }
  if (report.codeHealth) lines.push('', ...codeHealthMarkdown(report.codeHealth));
  lines.push('', '## What could not be made', ...(report.failures.length ? report.failures.map((f) => `- ${f}`) : ['Nothing: every part of this report was made.']), '');
  return lines.join('\n');
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** "Code health": one table row per repository (now, and the change since the last cycle), then each one's longest files. */
function codeHealthMarkdown(entries: NonNullable<OpsReport['codeHealth']>): string[] {
  const rows = entries.map((e) =>
    e.problem !== null
      ? [e.repository, `cannot be measured: ${e.problem}`, '', '', '', '', '']
      : [
          e.repository,
          `${e.files}${e.change ? ` (${signed(e.change.files)})` : ''}`,
          `${e.lines}${e.change ? ` (${signed(e.change.lines)})` : ''}${e.growthLinesPerDay !== null ? `, ${signed(e.growthLinesPerDay)}/day` : ''}`,
          e.largest ? `${e.largest.path} (${e.largest.lines})` : '–',
          `${e.filesOverLimit}${e.change ? ` (${signed(e.change.filesOverLimit)})` : ''}`,
          `${e.todoCount}${e.change ? ` (${signed(e.change.todoCount)})` : ''}`,
          `${e.duplicatedLines}${e.change ? ` (${signed(e.change.duplicatedLines)})` : ''}`,
        ],
  );
  const worst = entries
    .filter((e) => e.problem === null && e.worst.length > 0)
    .flatMap((e) => [``, `Longest files of ${e.repository}: ${e.worst.map((w) => `${w.path} (${w.lines})`).join(', ')}.`]);
  return ['## Code health', 'Change since the last cycle in brackets.', '', ...table(['repository', 'files', 'lines', 'largest file', 'over the limit', 'TODO/FIXME', 'duplicated lines'], rows), ...worst];
}
