import { CliError, type BotApi } from './api-client.js';
import { table, when } from './table.js';

type Write = (text: string) => void;

interface SilenceView {
  id: number;
  matchers: Array<{ name: string; op: string; value: string }>;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  endsAt: string;
  removedAt: string | null;
  removedBy: string | null;
  state: 'active' | 'expired';
  holding: number | null;
}

export interface SilenceAddOptions {
  duration?: string;
  end?: string;
  comment?: string;
  author?: string;
}

const USAGE = 'usage: opsbot silence add <matcher>… (--duration 2h | --end <ISO time>) --comment "…" [--author name]\n       opsbot silence list [--expired | --all]\n       opsbot silence expire <id>…';

/** `opsbot silence add|list|expire`, as amtool's `silence add|query|expire`, through the bot's API. */
export async function runSilence(bot: BotApi, positionals: string[], options: SilenceAddOptions & { expired?: boolean; all?: boolean }, json: boolean, write: Write) {
  const [verb, ...rest] = positionals;
  switch (verb) {
    case 'add':
      return addSilence(bot, rest, options, json, write);
    case 'list':
    case 'query': {
      const state = options.all ? 'all' : options.expired ? 'expired' : 'active';
      const { silences } = await bot.request<{ silences: SilenceView[] }>('GET', `/api/v1/silences?state=${state}`);
      if (json) return write(`${JSON.stringify(silences, null, 2)}\n`);
      const matchers = (s: SilenceView) => s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',');
      return write(table(['id', 'state', 'matchers', 'ends', 'holding', 'by', 'comment'], silences.map((s) => [s.id, s.state, matchers(s), when(s.removedAt ?? s.endsAt), s.holding, s.createdBy, s.reason])));
    }
    case 'expire': {
      if (rest.length === 0 || rest.some((id) => !/^#?\d+$/.test(id))) throw new CliError(USAGE);
      for (const id of rest) {
        const result = await bot.request<{ message: string }>('DELETE', `/api/v1/silences/${id.replace('#', '')}`, { by: options.author ?? bot.user });
        write(json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
      }
      return;
    }
    default:
      throw new CliError(USAGE);
  }
}

async function addSilence(bot: BotApi, matchers: string[], options: SilenceAddOptions, json: boolean, write: Write) {
  if (matchers.length === 0 || !options.comment || (options.duration === undefined) === (options.end === undefined)) throw new CliError(USAGE);
  const result = await bot.request<{ silence: SilenceView; message: string }>('POST', '/api/v1/silences', {
    matchers: matchers.join(','),
    ...(options.duration ? { duration: options.duration } : { endsAt: options.end }),
    comment: options.comment,
    createdBy: options.author ?? bot.user,
  });
  write(json ? `${JSON.stringify(result, null, 2)}\n` : `${result.message}\n`);
}
