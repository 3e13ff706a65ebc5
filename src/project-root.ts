import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`opsbot: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The folder holding package.json and drizzle/, whether running from src/ or dist/src/. */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
