import { PLATFORMS } from '../shared/types.js';
import { alertInputSchema } from '../alerts/input.js';
import { CliError, type BotApi } from './api-client.js';
import { table, when } from './table.js';

type Write = (text: string) => void;
interface AlertRow {
  id: number;
  severity: string;
  status: string;
  title: string;
  service: string | null;
  count: number;
  firedAt: string;
  ackedBy: string | null;
}

export async function listAlerts(bot: BotApi, filters: { status?: string; severity?: string; service?: string; limit?: string }, json: boolean, write: Write) {
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const { alerts } = await bot.request<{ alerts: AlertRow[] }>('GET', `/api/v1/alerts${query ? `?${query}` : ''}`);
  if (json) return write(`${JSON.stringify(alerts, null, 2)}\n`);
  write(table(['id', 'severity', 'status', 'service', 'count', 'fired', 'acked by', 'title'], alerts.map((a) => [a.id, a.severity, a.status, a.service, a.count, when(a.firedAt), a.ackedBy, a.title])));
}

/** `--label k=v`, given any number of times, as labels. */
export function parseLabels(pairs: string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--label ${JSON.stringify(pair)} is not key=value`);
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/** Posts one alert, checked locally with the API's own schema first. */
export async function sendAlert(
  bot: BotApi,
  options: { severity?: string; title?: string; body?: string; service?: string; label?: string[]; 'dedup-key'?: string; resolved?: boolean },
  json: boolean,
  write: Write,
) {
  const labels = parseLabels(options.label);
  const candidate = {
    severity: options.severity?.toUpperCase(),
    title: options.title,
    ...(options.body ? { body: options.body } : {}),
    ...(options.service ? { service: options.service } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(options['dedup-key'] ? { dedupKey: options['dedup-key'] } : {}),
    ...(options.resolved ? { status: 'resolved' } : {}),
    source: 'opsbot cli',
  };
  const parsed = alertInputSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new CliError(`not a valid alert:${parsed.error.issues.map((i) => `\n  --${String(i.path[0] ?? '?').replace('dedupKey', 'dedup-key')}: ${i.message}`).join('')}`);
  }
  const result = await bot.request<{ alerts: Array<{ id: number | null; outcome: string; reason?: string }> }>('POST', '/api/v1/alerts', parsed.data);
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  const [outcome] = result.alerts;
  write(outcome?.id !== null && outcome ? `alert #${outcome.id} ${outcome.outcome}\n` : `ignored: ${outcome?.reason ?? 'no reason given'}\n`);
}

export async function actOnAlert(bot: BotApi, verb: 'ack' | 'resolve', id: string | undefined, by: string | undefined, json: boolean, write: Write) {
  if (!id || !/^#?\d+$/.test(id)) throw new CliError(`usage: opsbot ${verb} <alert id> [--by name]`);
  const result = await bot.request<{ alert: AlertRow; stoppedEscalationSteps: number; message: string }>('POST', `/api/v1/alerts/${id.replace('#', '')}/${verb}`, {
    by: by ?? bot.user,
  });
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  write(`${result.message}\n`);
}

/** Sends failed deliveries again; the bot validates the filters and says what it queued. */
export async function resendFailed(
  bot: BotApi,
  id: string | undefined,
  options: { platform?: string; destination?: string; hours?: string; by?: string },
  json: boolean,
  write: Write,
) {
  if (id !== undefined && !/^#?\d+$/.test(id)) throw new CliError(`usage: opsbot resend [<alert id>] [--platform ${PLATFORMS.join('|')}] [--destination D] [--hours N]; ${JSON.stringify(id)} is not an alert id`);
  const hours = options.hours === undefined ? undefined : Number(options.hours);
  if (hours !== undefined && !(hours > 0)) throw new CliError(`--hours ${JSON.stringify(options.hours)} is not a positive number`);
  const body = {
    ...(id !== undefined ? { alert: Number(id.replace('#', '')) } : {}),
    ...(options.platform ? { platform: options.platform.toLowerCase() } : {}),
    ...(options.destination ? { destination: options.destination } : {}),
    ...(hours !== undefined ? { hours } : {}),
    by: options.by ?? bot.user,
  };
  const result = await bot.request<{ resent: number; message: string }>('POST', '/api/v1/deliveries/resend', body);
  if (json) return write(`${JSON.stringify(result, null, 2)}\n`);
  write(`${result.message}\n`);
}
