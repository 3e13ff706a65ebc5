import { missedCriteria } from './criteria.js';
import { formatSeverityCounts } from '../shared/severity.js';
import { formatDuration } from '../time/duration.js';
import type { OpsReport } from './report.js';

const HEADINGS = { morning: '☀️ Morning ops digest', evening: '🌙 Evening ops digest', 'on-demand': '📋 Ops report (on demand)' } as const;

/** The digest: one short message per platform, the numbers that matter and a link to the full report. */
export function renderDigest(report: OpsReport, link: string | null): string {
  const lines = [`${HEADINGS[report.kind]} · ${report.localTime} ${report.timezone}`];
  if (report.alerts) lines.push(`Alerts: ${formatSeverityCounts(report.alerts.bySeverity)} (${report.alerts.total} since the last cycle)`);
  if (report.stillFiring) lines.push(`Still firing: ${report.stillFiring.total}${report.stillFiring.listed.slice(0, 3).map((a) => `\n  #${a.id} ${a.severity} ${a.title.slice(0, 80)}`).join('')}`);
  if (report.response) {
    const r = report.response;
    lines.push(`MTTA ${r.meanTimeToAckMs === null ? '–' : formatDuration(r.meanTimeToAckMs)} · MTTR ${r.meanTimeToResolveMs === null ? '–' : formatDuration(r.meanTimeToResolveMs)}`);
  }
  if (report.escalations) lines.push(`Escalations: ${report.escalations.alerts}${Object.keys(report.escalations.byLevel).length ? ` (${Object.entries(report.escalations.byLevel).map(([l, n]) => `${l} ${n}`).join(', ')})` : ''}`);
  if (report.heals) {
    const rate = report.heals.successRate === null ? '' : `, ${(report.heals.successRate * 100).toFixed(0)} % ok`;
    const restarts = (report.restarts ?? []).reduce((sum, r) => sum + r.count, 0);
    lines.push(`Heal runs: ${report.heals.runs}${rate} · Restarts: ${restarts}`);
  }
  if (report.uptime && report.uptime.length > 0) {
    lines.push(`Uptime: ${report.uptime.map((u) => `${u.service} ${u.ratio === null ? '–' : `${(u.ratio * 100).toFixed(1)} %`}`).join(' · ')}`);
  }
  if (report.heartbeats) lines.push(`Heartbeats down: ${report.heartbeats.down.map((d) => d.name).join(', ') || 'none'}`);
  if (report.failedDeliveries) lines.push(`Failed deliveries: ${report.failedDeliveries.total}`);
  if (report.triggerFires) lines.push(`Trigger fires: ${report.triggerFires.reduce((sum, t) => sum + t.fires, 0)}`);
  for (const missed of missedCriteria(report.criteria ?? [])) lines.push(`⚠️ WARN criterion missed: ${missed}`);
  if (report.failures.length > 0) lines.push(`⚠️ Parts that failed: ${report.failures.join('; ')}`);
  lines.push(link ? `Full report: ${link}` : `Full report: ${report.name}.md`);
  return lines.join('\n');
}
