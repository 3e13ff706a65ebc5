import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { glob } from 'tinyglobby';
import type { RepositoryConfig } from '../config/governance-schema.js';

/** Folders never measured: version control and installed packages. */
const ALWAYS_EXCLUDED = ['**/.git/**', '**/node_modules/**'];
/** Larger files are generated or data, not code someone maintains: left out. */
const MAX_FILE_BYTES = 2 * 1_048_576;
/** A repeated block is at least this many consecutive non-blank lines, as the plan's duplicate check counts them. */
export const DUPLICATE_MIN_LINES = 6;
/** Files read at once. */
const READ_CONCURRENCY = 32;
const WORST_FILES = 5;
const TODO_MARKER = /\b(?:TODO|FIXME)\b/g;

export interface FileFigure {
  path: string;
  lines: number;
}

/** One repository measured: its size, its largest files, its TODO/FIXME debt and its repeated lines. */
export interface CodeFigures {
  files: number;
  lines: number;
  largest: FileFigure | null;
  /** Files longer than the repository's `fileLineLimit`, longest first. */
  overLimit: FileFigure[];
  todoCount: number;
  /** Lines inside blocks of at least DUPLICATE_MIN_LINES meaningful lines that appear earlier in the repository. */
  duplicatedLines: number;
  /** The longest files, longest first. */
  worst: FileFigure[];
  durationMs: number;
}

export function repositoryName(repository: Pick<RepositoryConfig, 'name' | 'path'>): string {
  return repository.name ?? basename(repository.path.replace(/\/+$/, ''));
}

/**
 * Measures one checkout: every file the include globs name and the exclude globs (with .git and
 * node_modules) leave, up to 2 MiB and not binary. Throws, saying why, when the path cannot be read.
 */
export async function measureRepository(repository: RepositoryConfig): Promise<CodeFigures> {
  const started = performance.now();
  const root = repository.path;
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${root} cannot be read: ${error.code ?? error.message}`);
  });
  if (!info.isDirectory()) throw new Error(`${root} is not a folder`);
  const paths = (await glob(repository.include, { cwd: root, ignore: [...ALWAYS_EXCLUDED, ...repository.exclude], onlyFiles: true, dot: true, followSymbolicLinks: false })).sort();
  const seenBlocks = new Set<string>();
  const figures: FileFigure[] = [];
  let todoCount = 0;
  let duplicatedLines = 0;
  const texts = await readAll(root, paths);
  for (const [i, text] of texts.entries()) {
    if (text === null) continue;
    const lines = text.split('\n');
    const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
    figures.push({ path: paths[i]!, lines: count });
    todoCount += text.match(TODO_MARKER)?.length ?? 0;
    duplicatedLines += repeatedLines(lines, seenBlocks);
  }
  const byLength = [...figures].sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path));
  return {
    files: figures.length,
    lines: figures.reduce((sum, f) => sum + f.lines, 0),
    largest: byLength[0] ?? null,
    overLimit: byLength.filter((f) => f.lines > repository.fileLineLimit),
    todoCount,
    duplicatedLines,
    worst: byLength.slice(0, WORST_FILES),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Each file's text, or null for one too large, binary or unreadable; READ_CONCURRENCY at a time, in order. */
async function readAll(root: string, paths: string[]): Promise<Array<string | null>> {
  const texts: Array<string | null> = new Array(paths.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      texts[i] = await readText(join(root, paths[i]!));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, paths.length) }, worker));
  return texts;
}

async function readText(file: string): Promise<string | null> {
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_FILE_BYTES || buffer.subarray(0, 8_192).includes(0)) return null;
    return buffer.toString('utf8');
  } catch {
    return null;
  }
}

/** Lines shorter than this (`}`, `});`, `end`) say too little to make a block a repeat. */
const MEANINGFUL_LINE = 4;

/**
 * Lines of this file inside a block of DUPLICATE_MIN_LINES consecutive meaningful lines (compared
 * trimmed, blank and very short lines left out) that was seen before, earlier in this file or in an
 * earlier one. Every block is remembered as it is read.
 */
function repeatedLines(lines: string[], seen: Set<string>): number {
  const code = lines.map((line) => line.trim()).filter((line) => line.length >= MEANINGFUL_LINE);
  const repeated = new Uint8Array(code.length);
  for (let start = 0; start + DUPLICATE_MIN_LINES <= code.length; start++) {
    const block = createHash('sha1').update(code.slice(start, start + DUPLICATE_MIN_LINES).join('\n')).digest('base64');
    if (seen.has(block)) repeated.fill(1, start, start + DUPLICATE_MIN_LINES);
    else seen.add(block);
  }
  return repeated.reduce((sum, flag) => sum + flag, 0);
}
