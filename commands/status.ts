import { loadFiringView } from '../src/alerts/firing-view.js';
import { formatSeverityCounts, severityBadge } from '../src/shared/severity.js';
import { defineCommand } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';
import { formatDuration } from '../src/time/duration.js';
import type { HeartbeatView } from '../src/heartbeats/heartbeats.js';
import { describeServices, type ServiceView } from '../src/heal/service-view.js';
import { publicReply } from '../src/shared/chat.js';

const SHOWN_ALERTS = 10;

/** Where a service of a named instance runs now: its instance, or its fallback while it took it over. */
function runsOn(s: ServiceView): string {
  if (s.takenOverBy) return `, on ${s.takenOverBy} in place of lost ${s.instance}`;
  return s.instance ? `, on ${s.instance}` : '';
}

function serviceLines(list: ServiceView[], only: string | undefined, now: Date): string[] {
  const shown = only ? list.filter((s) => s.name === only) : list;
  if (shown.length === 0) return [only ? `Service ${only}: not configured` : 'Services: none configured'];
  return shown.slice(0, SHOWN_ALERTS).map((s) => {
    const about = `${s.name} (${s.role}, ${s.owner}${runsOn(s)})`;
    if (!s.enabled) return `⏸ ${about}: disabled for maintenance`;
    const up = s.state === 'running' && s.startedAt ? ` ${formatDuration(now.getTime() - s.startedAt.getTime())}` : '';
    const mark = s.health === 'unhealthy' || s.state === 'fatal' || s.state === 'down' ? '🔴' : s.health === 'healthy' || s.state === 'running' ? '🟢' : '⚪';
    const restarts = s.restarts > 0 ? `, ${s.restarts} restarts` : '';
    const uptime = s.uptime24h !== null ? `, up ${(s.uptime24h * 100).toFixed(1)} % in 24 h` : '';
    return `${mark} ${about}: ${s.state}${up}, ${s.health}${restarts}${uptime}`;
  });
}

function heartbeatLine(list: HeartbeatView[]): string {
  if (list.length === 0) return 'Heartbeats: none configured';
  const down = list.filter((h) => h.state === 'stale' || h.state === 'failed');
  if (down.length === 0) return `Heartbeats: ${list.length}, all on time`;
  return `Heartbeats: ${list.length}, ${down.length} down: ${down.map((h) => `${h.name} (${h.state})`).join(', ')}`;
}
const DAY_MS = 86_400_000;

export default defineCommand({
  name: 'status',
  description: 'Firing alerts, open escalations, queue backlog and failed deliveries',
  role: 'viewer',
  options: { service: textOption(false, 'Only this service', false, 100) },
  async handle({ services, now }, { service }) {
    const only = service;
    const view = await loadFiringView(services.store, { limit: SHOWN_ALERTS, ...(only ? { service: only } : {}), failedSince: new Date(now.getTime() - DAY_MS) });
    const backlog = await services.backlog();
    const level = new Map(view.escalations.map((e) => [e.alertId, e]));
    const lines = [`opsbot status${only ? ` for ${only}` : ''}`, `Firing: ${formatSeverityCounts(view.counts)}`];
    for (const alert of view.firing) {
      const escalation = level.get(alert.id);
      const notes = [
        alert.service,
        alert.ackedBy ? `acked by ${alert.ackedBy}` : null,
        alert.silenceId !== null ? `silenced (#${alert.silenceId})` : null,
        escalation && escalation.reached > 0 ? `L${escalation.reached}` : null,
      ].filter((n): n is string => n !== null);
      lines.push(`#${alert.id} ${severityBadge(alert.severity)} ${alert.title.slice(0, 120)}${notes.length ? ` (${notes.join(', ')})` : ''}`);
    }
    if (view.firingTotal > view.firing.length) lines.push(`…and ${view.firingTotal - view.firing.length} more firing`);
    lines.push(`Escalations open: ${view.escalationTotal}`);
    for (const e of view.escalations) {
      const next = e.nextLevel !== null && e.nextDueAt ? `, next L${e.nextLevel} in ${formatDuration(e.nextDueAt.getTime() - now.getTime())}` : ', ladder finished';
      lines.push(`  #${e.alertId} ${severityBadge(e.severity)} at L${e.reached}${next}`);
    }
    if (view.escalationTotal > view.escalations.length) lines.push(`  …and ${view.escalationTotal - view.escalations.length} more escalations`);
    lines.push(...serviceLines(await describeServices(services.services, services.heal), only, now));
    lines.push(heartbeatLine(await services.heartbeats.list(now)));
    lines.push(
      `Queues: ${view.pendingDeliveries} deliveries unsent, ${backlog.deliver} delivery jobs and ${backlog.escalate} escalation steps queued`,
    );
    lines.push(`Failed deliveries (24 h): ${view.failedDeliveriesSince}${view.failedDeliveriesSince > 0 ? ' (/resend sends them again)' : ''}${services.platforms.length < 2 ? ` · chat platforms on: ${services.platforms.join(', ') || 'none'}` : ''}`);
    return publicReply(lines.join('\n'));
  },
});
