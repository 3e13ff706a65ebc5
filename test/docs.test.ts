import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config/env-schema.js';
import { runCliWithEnv } from './helpers/cli.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const guides = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));

/** The setup guides cannot drift from the code: what they link, name and tell people to run exists. */
describe('the setup guides in docs/', () => {
  it('the README links every guide, and every guide it links exists', () => {
    const linked = [...read('README.md').matchAll(/\]\(docs\/([^)#]+)\)/g)].map((m) => m[1]!);
    expect(new Set(linked.filter((name) => name.endsWith('.md')))).toEqual(new Set(guides));
    for (const name of linked) expect(() => read(`docs/${name}`), name).not.toThrow();
  });

  it('the systemd unit starts the compiled bot, not npm start', () => {
    const unit = read('docs/opsbot.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node dist\/src\/main\.js$/m);
    expect(unit).not.toMatch(/^ExecStart=.*npm/m);
  });

  it('every opsbot environment variable a guide names is one opsbot (or its CLI: OPSBOT_URL) reads', () => {
    const known = new Set([...Object.keys(envSchema.shape), 'OPSBOT_URL']);
    for (const name of [...guides, 'opsbot.service']) {
      const named = [...read(`docs/${name}`).matchAll(/\b(?:(?:OPSBOT|DISCORD|TELEGRAM)_[A-Z_]+|API_TOKEN|REDIS_URL|DATABASE_URL|DASHBOARD_PASSWORD)\b/g)].map((m) => m[0]);
      expect(named.filter((variable) => !known.has(variable)), name).toEqual([]);
    }
  });

  it('every opsbot command a guide shows is in the CLI', async () => {
    const usage = (await runCliWithEnv(['help'], {})).stdout;
    for (const name of guides) {
      const blocks = [...read(`docs/${name}`).matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const commands = blocks.flatMap((block) => [...block.matchAll(/^opsbot ([a-z-]+)/gm)].map((m) => m[1]!));
      expect(commands.filter((command) => !new RegExp(`^  ${command}\\b`, 'm').test(usage)), name).toEqual([]);
    }
  });
});
