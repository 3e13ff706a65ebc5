import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What keeps `command` from starting in `cwd` with this `PATH`, in words naming the missing piece
 * (the working directory, or the program: a path that does not exist or cannot be run, or a name on
 * no PATH directory); undefined when nothing is missing. Spawn resolves a program path against the
 * child's cwd and a bare name against the child's PATH, and so does this.
 */
export async function whatKeepsFromStarting(command: readonly string[], cwd: string | undefined, path: string | undefined): Promise<string | undefined> {
  if (cwd !== undefined) {
    const dir = await stat(cwd).catch(() => undefined);
    if (!dir) return `its cwd ${cwd} does not exist`;
    if (!dir.isDirectory()) return `its cwd ${cwd} is not a directory`;
  }
  const program = command[0]!;
  if (program.includes('/')) {
    const full = resolve(cwd ?? process.cwd(), program);
    return (await isExecutableFile(full)) ? undefined : `its program ${program} is not an executable file (${full})`;
  }
  const dirs = (path ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) if (await isExecutableFile(join(resolve(cwd ?? process.cwd(), dir), program))) return undefined;
  return `its program ${program} is on no directory of the PATH (${dirs.join(delimiter) || 'PATH is empty'})`;
}
