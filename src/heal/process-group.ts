import { readFile } from 'node:fs/promises';

/** Sends `signal` to the whole process group led by `pid` (children spawned `detached`); false when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether a process with this id exists (also when it belongs to another user). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads the process id of an external service from its pidfile; throws an error naming the file and the problem. */
export async function readPidfile(path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist (is the service running?)' : `cannot be read (${code ?? (error as Error).message})`;
    throw new Error(`pidfile ${path} ${problem}`);
  }
  const content = text.trim();
  if (!/^[1-9]\d{0,9}$/.test(content)) {
    const shown = content.length > 40 ? `${content.slice(0, 40)}…` : content;
    throw new Error(`pidfile ${path} does not hold a process id (found ${JSON.stringify(shown)}); expected one positive integer`);
  }
  return Number(content);
}
