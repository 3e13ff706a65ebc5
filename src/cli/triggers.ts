import type { TriggerView } from '../triggers/engine.js';
import type { BotApi } from './api-client.js';
import { table, when } from './table.js';

/** `opsbot triggers [--json]`: every rule, what it watches, its last value per series and its last fire. */
export async function printTriggers(bot: BotApi, json: boolean, write: (text: string) => void): Promise<void> {
  const { triggers } = await bot.request<{ triggers: TriggerView[] }>('GET', '/api/v1/triggers');
  if (json) {
    write(`${JSON.stringify(triggers, null, 2)}\n`);
    return;
  }
  if (triggers.length === 0) {
    write('no trigger rules configured (triggers: in the config)\n');
    return;
  }
  for (const t of triggers) {
    const fired = t.lastFire ? `last fired ${new Date(t.lastFire.at).toISOString()} (${t.lastFire.series || 'all'})` : 'never fired';
    write(`${t.name} [${t.severity}] ${t.rule}\n  ${fired}\n`);
    for (const s of t.series) {
      write(`  ${s.key || '(all)'}: ${s.lastValue ?? '–'}${s.breached ? ' BREACHED' : ''} · ${s.lastDetail ?? ''}\n`);
    }
  }
}

interface ActionRow {
  name: string;
  kind: string;
  usedBy: string[];
  runs: number;
  successRate: number | null;
  lastRun: { at: string; outcome: string } | null;
}

/** `opsbot actions [--json]`: every heal action and trigger alert, who uses it, and its runs over the last 7 days. */
export async function printActions(bot: BotApi, json: boolean, write: (text: string) => void): Promise<void> {
  const body = await bot.request<{ since: string; actions: ActionRow[] }>('GET', '/api/v1/actions');
  if (json) {
    write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (body.actions.length === 0) {
    write('no heal actions or trigger rules configured (services: and triggers: in the config)\n');
    return;
  }
  write(`runs since ${when(body.since)}\n`);
  const rate = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)} %`);
  write(table(['action', 'kind', 'used by', 'runs', 'success', 'last run'], body.actions.map((a) => [a.name, a.kind, a.usedBy.join('; '), a.runs, rate(a.successRate), a.lastRun ? `${when(a.lastRun.at)} ${a.lastRun.outcome}` : '–'])));
}

/** `opsbot check`: every probe, heartbeat check and trigger rule now; exit 0 when all is healthy, 1 when anything is wrong. */
export async function runCheck(bot: BotApi, by: string | undefined, json: boolean, write: (text: string) => void): Promise<number> {
  const result = await bot.request<{ healthy: boolean; message: string; services: Array<{ name: string; ok: boolean; detail: string }>; heartbeats: Array<{ name: string; ok: boolean; state: string }> }>('POST', '/api/v1/check', { by: by ?? bot.user });
  if (json) write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    write(`${result.message}\n`);
    const parts = [...result.services.map((s) => [s.ok ? '✓' : '✗', `service ${s.name}`, s.detail]), ...result.heartbeats.map((h) => [h.ok ? '✓' : '✗', `heartbeat ${h.name}`, h.state])];
    if (parts.length > 0) write(`\n${table(['', 'part', 'state'], parts)}`);
  }
  return result.healthy ? 0 : 1;
}
