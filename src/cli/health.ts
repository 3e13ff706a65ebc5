import type { BotApi } from './api-client.js';
import { table, when } from './table.js';

type Write = (text: string) => void;

interface HealthView {
  state: 'ok' | 'degraded' | 'down';
  checks: Array<{ part: string; state: string; detail: string }>;
  lastOpsCycle: { name: string; at: string } | null;
}

const EXIT_CODES = { ok: 0, degraded: 1, down: 3 } as const;

/** `opsbot status --health`: the bot's own health as a table (or JSON), its state as the exit code: 0 ok, 1 degraded, 3 down. */
export async function printHealth(bot: BotApi, json: boolean, write: Write): Promise<number> {
  const health = await bot.request<HealthView>('GET', '/api/v1/health');
  if (json) write(`${JSON.stringify(health, null, 2)}\n`);
  else {
    write(`opsbot is ${health.state}${health.lastOpsCycle ? ` · last ops cycle ${when(health.lastOpsCycle.at)}` : ''}\n`);
    write(table(['part', 'state', 'detail'], health.checks.map((c) => [c.part, c.state, c.detail])));
  }
  return EXIT_CODES[health.state];
}
