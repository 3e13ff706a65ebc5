/**
 * Phase (i): code-growth governance on a generated repository of 10,000 files (about 120 lines each,
 * some TODOs and repeated blocks), measured as an ops cycle measures it (src/governance/measure.ts).
 * Target: under 10 s. The first run reads from disk as the kernel has it cached after writing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { governanceSchema } from '../src/config/governance-schema.js';
import { measureRepository, type CodeFigures } from '../src/governance/measure.js';

export interface GovernanceBenchResult {
  files: number;
  runs: number[];
  figures: CodeFigures;
}

function generate(dir: string, files: number): void {
  for (let f = 0; f < files; f++) {
    const folder = join(dir, 'src', `module${f % 100}`);
    if (f < 100) mkdirSync(folder, { recursive: true });
    const lines = Array.from({ length: 120 }, (_, i) => (i % 40 === 0 ? `  // TODO: revisit ${f}-${i}` : `  const value${i} = compute(${f}, ${i}, 'file ${f}');`));
    if (f % 10 === 0) lines.push(...Array.from({ length: 8 }, (_, i) => `  await client.request('/shared/${i}', { retries: 3, timeoutMs: 5000 });`));
    writeFileSync(join(folder, `file${f}.ts`), `export function f${f}() {\n${lines.join('\n')}\n}\n`);
  }
}

export async function runGovernance(files = 10_000, runs = 3): Promise<GovernanceBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-code-'));
  try {
    generate(dir, files);
    const [repository] = governanceSchema.parse({ repositories: [{ path: dir }] }).repositories;
    const times: number[] = [];
    let figures: CodeFigures | undefined;
    for (let i = 0; i < runs; i++) {
      figures = await measureRepository(repository!);
      times.push(figures.durationMs);
    }
    return { files, runs: times, figures: figures! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
