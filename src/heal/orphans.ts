import { readdir, readFile } from 'node:fs/promises';
import { signalGroup } from './process-group.js';

/** The environment variable that marks every process of a supervised service (it survives `exec` and is inherited by its children). */
export const SERVICE_MARK_VAR = 'OPSBOT_SERVICE';

/** The value of `SERVICE_MARK_VAR` for one service of one opsbot (an absolute directory of its own tells two opsbots apart). */
export function serviceMark(service: string, instanceDir: string): string {
  return `${service}@${instanceDir}`;
}

/** The process group of `pid` (from /proc/<pid>/stat), or undefined when it is gone. */
async function processGroupOf(pid: string): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

async function carriesMark(pid: string, mark: string): Promise<boolean> {
  try {
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    return environ.includes(`${SERVICE_MARK_VAR}=${mark}`);
  } catch {
    return false;
  }
}

/** The live processes of process group `pgid` that carry `mark`: what is left of a service, whatever program it runs now. */
async function markedMembers(pgid: number, mark: string): Promise<number[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const members: number[] = [];
  for (const pid of pids) {
    if ((await processGroupOf(pid)) === pgid && (await carriesMark(pid, mark))) members.push(Number(pid));
  }
  return members;
}

/**
 * Stops the process group a killed opsbot left running (SIGTERM, SIGKILL after `timeoutMs`): the
 * group led by the recorded `pgid`, recognized by the service's mark in its processes' environment,
 * so a service started through `sh -c '…; exec …'` is found and a reused pid is never touched.
 * Returns whether there was one.
 */
export async function stopOrphan(pgid: number, mark: string, timeoutMs: number): Promise<boolean> {
  if ((await markedMembers(pgid, mark)).length === 0) return false;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while ((await markedMembers(pgid, mark)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if ((await markedMembers(pgid, mark)).length > 0) signalGroup(pgid, 'SIGKILL');
  return true;
}
