import { checkSetup } from '../doctor/checks.js';
import { table } from './table.js';

type Write = (text: string) => void;

/** `opsbot doctor`: every check as a table (or JSON); exit 0 when all are fine, 1 when any is a problem. */
export async function runDoctor(env: NodeJS.ProcessEnv, json: boolean, write: Write): Promise<number> {
  const checks = await checkSetup(env);
  const problems = checks.filter((c) => !c.ok).length;
  if (json) {
    write(`${JSON.stringify({ ok: problems === 0, checks }, null, 2)}\n`);
  } else {
    write(table(['check', 'result', 'detail', 'how to fix'], checks.map((c) => [c.check, c.ok ? 'ok' : 'PROBLEM', c.detail, c.fix])));
    write(problems === 0 ? `\nall ${checks.length} checks fine\n` : `\n${problems} of ${checks.length} checks found a problem\n`);
  }
  return problems === 0 ? 0 : 1;
}
