import { parseSync } from '@swc/core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/project-root.js';
import { PLATFORM_SETTINGS, PLATFORMS } from '../src/platforms/settings.js';
import { PLATFORM_MODULES } from '../src/platforms/registry.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The code of a file without its comments: identifiers, strings and templates as the parser sees them. */
function codeOf(file: string): string {
  return JSON.stringify(parseSync(readFileSync(file, 'utf8'), { syntax: 'typescript', target: 'es2022' }));
}

describe('one place per platform', () => {
  it('no code outside src/platforms/ names a platform (comments may): a new platform is its folder and two registry lines', () => {
    const names = new RegExp(PLATFORMS.join('|'), 'i');
    const files = ['src', 'commands', 'jobs'].flatMap((dir) => sourceFiles(join(projectRoot, dir)));
    const outside = files.filter((file) => !relative(projectRoot, file).startsWith(join('src', 'platforms')));
    expect(outside.length).toBeGreaterThan(100);
    expect(outside.filter((file) => names.test(codeOf(file))).map((file) => relative(projectRoot, file))).toEqual([]);
  });

  it('every platform has its settings and its module, under one name', () => {
    expect(Object.keys(PLATFORM_MODULES).sort()).toEqual(PLATFORM_SETTINGS.map((settings) => settings.name).sort());
    for (const [name, module] of Object.entries(PLATFORM_MODULES)) expect(module.name).toBe(name);
  });
});
