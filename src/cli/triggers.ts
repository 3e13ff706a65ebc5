import type { TriggerView } from '../triggers/engine.js';
import type { BotApi } from './api-client.js';

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
