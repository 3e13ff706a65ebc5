import { CliError, type BotApi } from './api-client.js';
import { table, when } from './table.js';

type Write = (text: string) => void;

interface AlertDetail {
  id: number;
  severity: string;
  status: string;
  title: string;
  body: string | null;
  service: string | null;
  labels: Record<string, string>;
  dedupKey: string | null;
  source: string | null;
  link: string | null;
  count: number;
  firedAt: string;
  ackedAt: string | null;
  ackedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  silenceId: number | null;
  inhibitedBy: number | null;
  route: { matched: string[]; usedDefault: boolean; escalation?: string | null };
  deliveries: Array<{ platform: string; destination: string; state: string; attempts: number; lastError: string | null; sentAt: string | null; summary: { id: number } | null }>;
  escalation: Array<{ level: number; repeat: number; dueAt: string; state: string; detail: string | null }>;
}

/** `opsbot alert <id>`: one alert as the API has it: what, where it went and why, its ladder. */
export async function showAlert(bot: BotApi, id: string | undefined, json: boolean, write: Write) {
  if (!id || !/^#?\d+$/.test(id)) throw new CliError('usage: opsbot alert <alert id>');
  const alert = await bot.request<AlertDetail>('GET', `/api/v1/alerts/${id.replace('#', '')}`);
  if (json) return write(`${JSON.stringify(alert, null, 2)}\n`);
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    `#${alert.id} ${alert.severity} ${alert.status}: ${alert.title}`,
    alert.body ? `  ${alert.body.replace(/\n/g, '\n  ')}` : undefined,
    `service: ${alert.service ?? '-'}${labels ? `   labels: ${labels}` : ''}`,
    `fired ${when(alert.firedAt)}${alert.count > 1 ? `, seen ${alert.count} times` : ''}${alert.source ? ` (from ${alert.source})` : ''}${alert.dedupKey ? `, dedup key ${alert.dedupKey}` : ''}`,
    alert.ackedAt ? `acknowledged ${when(alert.ackedAt)} by ${alert.ackedBy ?? '?'}` : undefined,
    alert.resolvedAt ? `resolved ${when(alert.resolvedAt)} by ${alert.resolvedBy ?? '?'}` : undefined,
    alert.link ? `link: ${alert.link}` : undefined,
    `route: ${alert.route.usedDefault ? 'the default route' : alert.route.matched.join(' → ')}; escalation: ${alert.route.escalation ?? 'none'}`,
    alert.silenceId ? `held by silence #${alert.silenceId}` : undefined,
    alert.inhibitedBy ? `inhibited by alert #${alert.inhibitedBy}: posted if it still fires when #${alert.inhibitedBy} resolves` : undefined,
  ];
  write(`${lines.filter((line) => line !== undefined).join('\n')}\n\ndeliveries:\n`);
  write(table(['platform', 'destination', 'state', 'attempts', 'sent', 'last error'], alert.deliveries.map((d) => [d.platform, d.destination, d.summary ? `${d.state} (summary #${d.summary.id})` : d.state, d.attempts, when(d.sentAt), d.lastError])));
  write('\nescalation:\n');
  write(table(['level', 'due', 'state', 'detail'], alert.escalation.map((s) => [`L${s.level}${s.repeat > 0 ? ` repeat ${s.repeat}` : ''}`, when(s.dueAt), s.state, s.detail])));
}
