import type { BotApi } from './api-client.js';
import { table, when } from './table.js';

interface Measurement {
  at: string;
  problem: string | null;
  files: number;
  lines: number;
  largestFile: string | null;
  largestLines: number;
  filesOverLimit: number;
  todoCount: number;
  duplicatedLines: number;
}

/** `opsbot governance [--json]`: each governed repository's latest figures, then its trend over the last measurements. */
export async function printGovernance(bot: BotApi, json: boolean, write: (text: string) => void): Promise<void> {
  const body = await bot.request<{ repositories: Array<{ repository: string; path: string; measurements: Measurement[] }> }>('GET', '/api/v1/governance');
  if (json) {
    write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (body.repositories.length === 0) {
    write('no repositories governed (governance.repositories in the config)\n');
    return;
  }
  for (const { repository, path, measurements } of body.repositories) {
    const [latest] = measurements;
    write(`${repository} (${path})`);
    if (!latest) {
      write(': not measured yet; the next ops cycle measures it\n\n');
      continue;
    }
    write(latest.problem ? `: cannot be measured: ${latest.problem}\n` : `: largest file ${latest.largestFile ?? '–'} (${latest.largestLines} lines)\n`);
    write(table(['measured', 'files', 'lines', 'over the limit', 'TODO/FIXME', 'duplicated lines'], measurements.map((m) => [when(m.at), m.files, m.lines, m.filesOverLimit, m.todoCount, m.duplicatedLines])));
    write('\n');
  }
}
