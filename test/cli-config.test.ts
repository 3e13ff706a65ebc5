import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliWithEnv } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, yaml: string) => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};

const GOOD = write(
  'good.yaml',
  `
routes:
  - name: db-prod
    match: { service: db, labels: { env: prod } }
    discord: ["100"]
    escalation: pager
    continue: true
  - name: crit
    match: { minSeverity: CRIT }
    telegram: ["-200"]
defaultRoute: { discord: ["999"] }
escalation:
  policies:
    pager: { levels: [{ level: 1, after: 5m }] }
inhibitRules:
  - { name: node-down, sourceMatchers: [alertname=NodeDown], targetMatchers: [alertname!=NodeDown], equal: [instance] }
`,
);

/** Nothing inherited from the test's own environment: only the file under test. */
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', ...extra });

describe('opsbot config check', () => {
  it('a valid file: exit 0 and what it sets up', async () => {
    const result = await runCliWithEnv(['config', 'check', GOOD], env());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`${GOOD}: valid`);
    expect(result.stdout).toContain('routes: 2 (db-prod, crit)');
    expect(result.stdout).toContain('escalation policies:');
    expect(result.stdout).toContain('inhibit rules: 1 (node-down)');
    const json = await runCliWithEnv(['config', 'check', GOOD, '--json'], env());
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, file: GOOD, routes: ['db-prod', 'crit'] });
  });

  it('the file OPSBOT_CONFIG names when none is given', async () => {
    const result = await runCliWithEnv(['config', 'check'], env({ OPSBOT_CONFIG: GOOD }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${GOOD}: valid`);
  });

  it('a typo: exit 2 with the file, the key and the problem, as a start would say it', async () => {
    const bad = write('typo.yaml', 'routes:\n  - name: x\n    match: {}\n    telegarm: ["-1"]\n');
    const result = await runCliWithEnv(['config', 'check', bad], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid config in ${bad}`);
    expect(result.stderr).toContain('routes[0]: Unrecognized key: "telegarm"');
  });

  it('a missing file, bad YAML and a bad environment are exit 2 too', async () => {
    expect(await runCliWithEnv(['config', 'check', join(dir, 'nope.yaml')], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
    const broken = write('broken.yaml', 'routes: [\n');
    expect(await runCliWithEnv(['config', 'check', broken], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('is not valid YAML') });
    expect(await runCliWithEnv(['config', 'check', GOOD], env({ API_TOKEN: 'short' }))).toMatchObject({ code: 2, stderr: expect.stringContaining('API_TOKEN') });
    expect(await runCliWithEnv(['config', 'lint'], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: opsbot config check [file]') });
  });
});

describe('opsbot routes test', () => {
  it('prints the routes matched, the escalation and each destination with why', async () => {
    const result = await runCliWithEnv(['routes', 'test', '--severity', 'crit', '--service', 'db', '--label', 'env=prod', '--config', GOOD], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CRIT alert, service db, labels env=prod');
    expect(result.stdout).toContain('matched routes: db-prod → crit');
    expect(result.stdout).toContain('escalation: pager');
    expect(result.stdout).toMatch(/discord\s+100\s+route:db-prod/);
    expect(result.stdout).toMatch(/telegram\s+-200\s+route:crit/);
  });

  it('an alert no route takes goes to the default route; --json gives the decision', async () => {
    const result = await runCliWithEnv(['routes', 'test', '--severity', 'INFO', '--service', 'web', '--config', GOOD, '--json'], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ usedDefault: true, matched: [], destinations: [{ platform: 'discord', destination: '999', via: 'default' }] });
  });

  it('a wrong severity or label is a usage error', async () => {
    expect(await runCliWithEnv(['routes', 'test', '--severity', 'high', '--config', GOOD], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('--severity must be one of INFO, WARN, CRIT') });
    expect(await runCliWithEnv(['routes', 'test', '--severity', 'WARN', '--label', 'env', '--config', GOOD], env())).toMatchObject({ code: 2, stderr: expect.stringContaining('--label "env" is not key=value') });
  });
});
