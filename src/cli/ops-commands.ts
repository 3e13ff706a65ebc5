import { CliError, type BotApi } from './api-client.js';
import { table, when } from './table.js';

type Write = (text: string) => void;

interface StatusView {
  firing: { counts: Record<string, number>; total: number; alerts: Array<{ id: number; severity: string; title: string; service: string | null; ackedBy: string | null }> };
  escalations: { total: number; open: Array<{ alertId: number; severity: string; reached: number; nextLevel: number | null; nextDueAt: string | null }> };
  services: Array<{ name: string; role: string; owner: string; enabled: boolean; state: string; health: string; restarts: number; uptime24h: number | null }>;
  heartbeats: Array<{ name: string; state: string; lastBeatAt: string | null }>;
  queues: Record<string, number>;
  failedDeliveries24h: number;
}

/** Rows of each list `opsbot status` prints; the API's `total` says how many there are. */
const SHOWN = 20;
const andMore = (hidden: number, what: string) => (hidden > 0 ? `…and ${hidden} more ${what}\n` : '');
const pct = (ratio: number | null) => (ratio === null ? '' : `${(ratio * 100).toFixed(1)} %`);

export async function printStatus(bot: BotApi, json: boolean, write: Write) {
  const status = await bot.request<StatusView>('GET', '/api/v1/status');
  if (json) return write(`${JSON.stringify(status, null, 2)}\n`);
  const c = status.firing.counts;
  write(`Firing: CRIT ${c.CRIT ?? 0} · WARN ${c.WARN ?? 0} · INFO ${c.INFO ?? 0}\n`);
  const firing = status.firing.alerts.slice(0, SHOWN);
  write(table(['id', 'severity', 'service', 'acked by', 'title'], firing.map((a) => [a.id, a.severity, a.service, a.ackedBy, a.title])));
  write(andMore(status.firing.total - firing.length, 'firing (opsbot alerts --status firing lists them all)'));
  const { total, open } = status.escalations;
  write(`\nEscalations open: ${total}\n`);
  const escalations = open.slice(0, SHOWN);
  if (escalations.length) write(table(['alert', 'severity', 'level', 'next'], escalations.map((e) => [e.alertId, e.severity, `L${e.reached}`, e.nextLevel ? `L${e.nextLevel} at ${when(e.nextDueAt)}` : 'ladder finished'])));
  write(andMore(total - escalations.length, 'escalations'));
  write('\nServices\n');
  write(table(['service', 'role', 'owner', 'state', 'health', 'restarts', 'up 24 h'], status.services.map((s) => [s.name, s.role, s.owner, s.enabled ? s.state : 'disabled', s.health, s.restarts, pct(s.uptime24h)])));
  write('\nHeartbeats\n');
  write(table(['heartbeat', 'state', 'last beat'], status.heartbeats.map((h) => [h.name, h.state, when(h.lastBeatAt)])));
  write(`\nQueues: ${Object.entries(status.queues).map(([q, n]) => `${q} ${n}`).join(' · ')} · failed deliveries (24 h): ${status.failedDeliveries24h}${status.failedDeliveries24h > 0 ? ' (opsbot resend sends them again)' : ''}\n`);
}

export async function runHeal(bot: BotApi, service: string | undefined, action: string | undefined, json: boolean, write: Write) {
  if (!service) throw new CliError('usage: opsbot heal <service> [action]');
  const result = await bot.request<{ run: { id: number; service: string; action: string } }>('POST', `/api/v1/services/${encodeURIComponent(service)}/heal`, {
    ...(action ? { action } : {}),
    by: bot.user,
  });
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  write(`heal run #${result.run.id} started: ${result.run.action} on ${result.run.service}; its outcome is posted as an alert (opsbot history ${result.run.service})\n`);
}

export async function printHistory(bot: BotApi, service: string | undefined, hours: string | undefined, json: boolean, write: Write) {
  if (!service) throw new CliError('usage: opsbot history <service> [--hours N]');
  const result = await bot.request<{ uptime: number | null; events: Array<{ at: string; kind: string; up: boolean | null; detail: string | null }> }>(
    'GET',
    `/api/v1/services/${encodeURIComponent(service)}/history?hours=${encodeURIComponent(hours ?? '24')}`,
  );
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  write(`${service}: up ${pct(result.uptime) || 'unknown'} over the last ${hours ?? '24'} h\n`);
  write(table(['at', 'event', 'detail'], result.events.map((e) => [when(e.at), e.kind, e.detail])));
}

export async function runReport(bot: BotApi, list: boolean, json: boolean, write: Write) {
  if (list) {
    const { reports } = await bot.request<{ reports: Array<{ name: string; at: string; headline: string; markdownPath: string }> }>('GET', '/api/v1/reports');
    if (json) return write(`${JSON.stringify(reports, null, 2)}\n`);
    return write(table(['report', 'written', 'summary', 'file'], reports.map((r) => [r.name, when(r.at), r.headline, r.markdownPath])));
  }
  const { report, joined } = await bot.request<{ report: { name: string; path: string; summary: string; failures: string[] }; joined: boolean }>('POST', '/api/v1/reports', { by: bot.user });
  if (json) return write(`${JSON.stringify(report, null, 2)}\n`);
  const already = joined ? ' (it was already being written; no second report)' : '';
  write(`report ${report.name} written to ${report.path}${already}: ${report.summary}\n`);
  for (const failure of report.failures) write(`  not made: ${failure}\n`);
}

/** `opsbot test-notify [--route NAME]`: a test alert through the routes; prints where it went. */
export async function testNotify(bot: BotApi, route: string | undefined, by: string | undefined, json: boolean, write: Write) {
  const result = await bot.request<{ alert: number; destinations: Array<{ platform: string; destination: string }>; message: string }>('POST', '/api/v1/test-notify', {
    ...(route ? { route } : {}),
    by: by ?? bot.user,
  });
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  write(`${result.message}\n`);
  if (result.destinations.length > 0) write(`opsbot alert ${result.alert} shows whether each arrived.\n`);
}
