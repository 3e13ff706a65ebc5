import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceSchema } from '../src/config/governance-schema.js';
import { measureRepository } from '../src/governance/measure.js';
import { runCli } from './helpers/cli.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { dashboardCookie } from './helpers/dashboard-session.js';

/** `count` lines of distinct code, each naming `tag`. */
const code = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `export const ${tag}_${i} = compute(${i}, '${tag}');`).join('\n') + '\n';
/** Eight meaningful lines that two files share. */
const SHARED = Array.from({ length: 8 }, (_, i) => `  const step${i} = await client.request('/path/${i}', { retries: 3 });`).join('\n');

function repository(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(dir, 'gen'), { recursive: true });
  writeFileSync(join(dir, 'src', 'small.ts'), `// TODO: split\n${code('small', 9)}// FIXME later\n`);
  writeFileSync(join(dir, 'src', 'big.ts'), code('big', 2_000));
  writeFileSync(join(dir, 'src', 'one.ts'), `function one() {\n${SHARED}\n}\n`);
  writeFileSync(join(dir, 'src', 'two.ts'), `function two() {\n${SHARED}\n}\n`);
  writeFileSync(join(dir, 'src', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), code('dep', 5_000));
  writeFileSync(join(dir, 'gen', 'schema.ts'), code('gen', 3_000));
}

describe('measuring a repository', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsbot-code-'));
    repository(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts files, lines, the largest file, files over the limit, TODO/FIXME and repeated blocks; leaves out node_modules, binaries and excluded globs', async () => {
    const [config] = governanceSchema.parse({ repositories: [{ path: dir, exclude: ['gen/**'] }] }).repositories;
    const figures = await measureRepository(config!);
    expect(figures).toMatchObject({
      files: 4,
      lines: 11 + 2_000 + 10 + 10,
      largest: { path: 'src/big.ts', lines: 2_000 },
      overLimit: [{ path: 'src/big.ts', lines: 2_000 }],
      todoCount: 2,
      duplicatedLines: 8,
    });
    expect(figures.worst.map((f) => f.path)).toEqual(['src/big.ts', 'src/small.ts', 'src/one.ts', 'src/two.ts']);
  });

  it('a path that cannot be read says so', async () => {
    const [config] = governanceSchema.parse({ repositories: [{ path: join(dir, 'missing') }] }).repositories;
    await expect(measureRepository(config!)).rejects.toThrow(`${join(dir, 'missing')} cannot be read: ENOENT`);
  });
});

describe('code health in the ops cycle', () => {
  let bot: TestBot;
  let repo: string;
  let reportsDir: string;
  beforeAll(async () => {
    repo = mkdtempSync(join(tmpdir(), 'opsbot-governed-'));
    reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-reports-'));
    repository(repo);
    bot = await startTestBot({
      yaml: `
opsCycle: { reportsDir: ${JSON.stringify(reportsDir)} }
governance:
  repositories:
    - { name: shop, path: ${JSON.stringify(repo)}, include: ["src/**"], thresholds: { largestFileLines: 1500, todoCount: 5 } }
    - { name: gone, path: ${JSON.stringify(join(repo, 'no-such-checkout'))} }
`,
    });
  });
  afterAll(async () => {
    await bot?.destroy();
    rmSync(repo, { recursive: true, force: true });
    rmSync(reportsDir, { recursive: true, force: true });
  });

  const codeAlerts = async (status: string) => ((await bot.get(`/api/v1/alerts?status=${status}`)).body.alerts as Array<{ title: string; severity: string }>).filter((a) => a.title.startsWith('Code health of'));

  it('measures each repository, raises one WARN per breached threshold, reports it, and resolves it once it clears; an unreadable path is one problem', async () => {
    const first = await bot.post('/api/v1/reports', { by: 'test' });
    expect(first.status).toBe(201);
    expect(first.body.report.failures).toEqual([]);
    const firing = await codeAlerts('firing');
    expect(firing.map((a) => [a.severity, a.title]).sort()).toEqual([
      ['WARN', 'Code health of shop: code.files_over_limit 1 > 0'],
      ['WARN', 'Code health of shop: code.largest_file_lines 2,000 > 1,500'],
    ]);
    const markdown = readFileSync(first.body.report.path, 'utf8');
    expect(markdown).toContain('## Code health');
    expect(markdown).toMatch(/\| shop \| 4 \| 2031 \| src\/big\.ts \(2000\) \| 1 \| 2 \| 8 \|/);
    expect(markdown).toMatch(/\| gone \| cannot be measured: .*no-such-checkout cannot be read: ENOENT \|/);

    writeFileSync(join(repo, 'src', 'big.ts'), code('big', 100));
    const second = await bot.post('/api/v1/reports', { by: 'test' });
    expect(readFileSync(second.body.report.path, 'utf8')).toMatch(/\| shop \| 4 \(0\) \| 131 \(-1900\) \| src\/big\.ts \(100\) \| 0 \(-1\) \| 2 \(0\) \| 8 \(0\) \|/);
    expect(await codeAlerts('firing')).toEqual([]);
    expect((await codeAlerts('resolved')).length).toBe(2);

    const { code: printedCode, stdout: printed } = await runCli(bot.url, ['governance']);
    expect(printedCode).toBe(0);
    expect(printed).toContain('shop (');
    expect(printed).toContain('largest file src/big.ts (100 lines)');
    expect(printed).toMatch(/gone \(.*\): cannot be measured/);
    const api = (await bot.get('/api/v1/governance')).body.repositories;
    expect(api[0].measurements.map((m: { lines: number }) => m.lines)).toEqual([131, 2_031]);
    const cookie = await dashboardCookie(bot);
    const dashboard = await (await fetch(`${bot.url}/ops/governance`, { headers: { cookie } })).text();
    expect(dashboard).toMatch(/<tr data-repository="shop"><td>shop<\/td><td title="src\/big.ts">100<\/td>\s*<td>0 \(-1\)<\/td><td>2 \(0\)<\/td>\s*<td>8 \(0\)<\/td><td>131 \(-1900\)<\/td>/);
    expect(dashboard).toContain('cannot be measured: ');
  });
});
