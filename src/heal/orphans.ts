import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isPidAlive, signalGroup } from './process-group.js';

/** Whether `pid` still runs `program` (by /proc/<pid>/cmdline), so a reused pid is never touched. */
async function runsProgram(pid: number, program: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return argv.some((arg) => arg === program || basename(arg) === basename(program));
  } catch {
    return false;
  }
}

/**
 * Stops the process group a killed opsbot left running (SIGTERM, SIGKILL after `timeoutMs`).
 * Returns whether there was one.
 */
export async function stopOrphan(pid: number, program: string, timeoutMs: number): Promise<boolean> {
  if (!isPidAlive(pid) || !(await runsProgram(pid, program))) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if (isPidAlive(pid)) signalGroup(pid, 'SIGKILL');
  return true;
}
