import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, parseConfigText } from '../src/config/load.js';

describe('config file', () => {
  it('runs on embedded defaults with no file at all', () => {
    const config = loadConfig({ OPSBOT_DATA_DIR: '/tmp/x' });
    expect(config.configPath).toBeNull();
    expect(config.env.PORT).toBe(8080);
    expect(config.env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.file.routes).toEqual([]);
  });

  it('accepts the shipped example', () => {
    const config = parseConfigText(readFileSync('opsbot.example.yaml', 'utf8'), 'opsbot.example.yaml');
    expect(config.routes.map((r) => r.name)).toEqual(['database-pages', 'production-warnings', 'disks']);
    expect(config.routes[2]).toMatchObject({ groupBy: ['alertname'], groupWait: 30_000, groupInterval: 300_000 });
    expect(config.routes[0]!.telegram).toEqual(['-1001234567890']);
  });

  it('names the key, the problem and the file for a typo', () => {
    const yaml = 'routes:\n  - name: a\n    contnue: true\n';
    expect(() => parseConfigText(yaml, '/etc/opsbot.yaml')).toThrowError(ConfigError);
    expect(() => parseConfigText(yaml, '/etc/opsbot.yaml')).toThrowError(
      /invalid config in \/etc\/opsbot\.yaml:\n.*routes\[0\].*contnue/,
    );
  });

  it('names the key and the bad value for a wrong type', () => {
    const yaml = 'routes:\n  - name: a\n    match: { minSeverity: critical }\n';
    expect(() => parseConfigText(yaml, 'x.yaml')).toThrowError(/routes\[0\]\.match\.minSeverity: .*\(got "critical"\)/);
  });

  it('rejects an invalid label regex', () => {
    const yaml = 'routes:\n  - name: a\n    match: { labels: { env: { regex: "(" } } }\n';
    expect(() => parseConfigText(yaml, 'x.yaml')).toThrowError(/labels\.env\.regex: not a valid regular expression/);
  });

  it('names the inhibit rule and the matcher that is wrong', () => {
    const yaml = 'inhibitRules:\n  - sourceMatchers: [NodeDown]\n    targetMatchers: [severity=WARN]\n    equal: [instance]\n  - sourceMatchers: "env=~(prod"\n    targetMatchers: "severity=WARN"\n';
    expect(() => parseConfigText(yaml, 'x.yaml')).toThrowError(/inhibitRules\[0\]\.sourceMatchers: "NodeDown" is not a matcher: write name=value/);
    expect(() => parseConfigText(yaml, 'x.yaml')).toThrowError(/inhibitRules\[1\]\.sourceMatchers: the regular expression in "env=~\(prod" is/);
  });

  it('checks the steps of a heal action: one kind each, and restart only for a supervised service', () => {
    const yaml = (steps: string) => `services:\n  - name: web\n    role: shop\n    owner: team\n    pidfile: /run/web.pid\n    actions:\n      deploy:\n        steps: ${steps}\n`;
    expect(() => parseConfigText(yaml('[{ restart: true }]'), 'x.yaml')).toThrowError(/services\[0\]\.actions\.deploy\.steps\[0\]\.restart: restart is built in only for a supervised service/);
    expect(() => parseConfigText(yaml('[{ command: [ls], http: { url: "http://x/" } }]'), 'x.yaml')).toThrowError(/steps\[0\]: a step is exactly one of command, http or restart: true/);
    expect(parseConfigText(yaml('[{ command: [ls] }]'), 'x.yaml').services[0]!.actions.deploy!.steps).toEqual([{ command: ['ls'], timeout: 60_000, env: {} }]);
  });

  it('reports broken YAML with its position', () => {
    expect(() => parseConfigText('routes: [\n', 'x.yaml')).toThrowError(/x\.yaml is not valid YAML/);
  });

  it('validates the environment without printing secrets', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrowError(/PORT: .*\(got "eighty"\)/);
    const leak = () => loadConfig({ REDIS_URL: 'http://user:hunter2@host' });
    expect(leak).toThrowError(/REDIS_URL: must be a redis:\/\//);
    expect(leak).not.toThrowError(/hunter2/);
  });

  it('keeps the dashboard password out of the config file and checks it without printing it', () => {
    const inFile = () => parseConfigText('dashboard: { password: a-long-random-passphrase }', 'x.yaml');
    expect(inFile).toThrowError(
      /dashboard\.password: secrets are not kept in the config file: set the DASHBOARD_PASSWORD environment variable instead/,
    );
    expect(inFile).not.toThrowError(/a-long-random-passphrase/);
    const short = () => loadConfig({ DASHBOARD_PASSWORD: 'hunter2' });
    expect(short).toThrowError(/DASHBOARD_PASSWORD: must be 12 to 200 characters long/);
    expect(short).not.toThrowError(/hunter2/);
  });

  it('names a bad secret-bearing key and its problem, never its value', () => {
    const shortToken = () => parseConfigText('heartbeats:\n  - { name: backup, token: hunter2-beat }', 'x.yaml');
    expect(shortToken).toThrowError(/heartbeats\[0\]\.token: at least 16 characters/);
    expect(shortToken).not.toThrowError(/hunter2/);
    const wrongType = () => parseConfigText('heartbeats:\n  - { name: backup, token: 12345678901234567890 }', 'x.yaml');
    expect(wrongType).toThrowError(/heartbeats\[0\]\.token: /);
    expect(wrongType).not.toThrowError(/1234567890/);
  });

  it('refuses an API_TOKEN or webhook secret shorter than 16 characters, without printing it', () => {
    for (const key of ['API_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']) {
      const short = () => loadConfig({ [key]: 'hunter2-hunter2' });
      expect(short).toThrowError(new RegExp(`${key}: must be at least 16 characters long`));
      expect(short).not.toThrowError(/hunter2/);
    }
    expect(loadConfig({ API_TOKEN: 'a'.repeat(16) }).env.API_TOKEN).toBe('a'.repeat(16));
  });

  it('stops when OPSBOT_CONFIG points at a missing file', () => {
    expect(() => loadConfig({ OPSBOT_CONFIG: '/nonexistent/opsbot.yaml' })).toThrowError(/does not exist/);
  });

  it('names an unknown escalation policy, a bad duration and an unknown role', () => {
    expect(() => parseConfigText('routes:\n  - { name: a, escalation: pagr }\n', 'x.yaml')).toThrowError(
      /routes\[0\]\.escalation: no escalation policy "pagr"; known: default, none/,
    );
    expect(() => parseConfigText('escalation: { policies: { p: { levels: [{ level: 2, after: 5 minutes }] } } }', 'x.yaml')).toThrowError(
      /escalation\.policies\.p\.levels\[0\]\.after: "5 minutes" is not a duration like 30s, 15m, 1h30m or 2d/,
    );
    expect(() => parseConfigText('access: { telegram: { users: { "1001": responer } } }', 'x.yaml')).toThrowError(
      /access\.telegram\.users\.1001: .*\(got "responer"\)/,
    );
  });

  it('a service names the instance that runs it and a fallback; a fallback alone or equal to the instance is refused with why', () => {
    const service = (keys: string) => `services:\n  - { name: api, role: API, owner: team, command: ["node", "api.js"], ${keys} }\n`;
    expect(parseConfigText(service('instance: ops-a, fallback: ops-b'), 'x.yaml').services[0]).toMatchObject({ instance: 'ops-a', fallback: 'ops-b' });
    expect(parseConfigText(service('enabled: true'), 'x.yaml').services[0]!.instance).toBeUndefined();
    expect(() => parseConfigText(service('fallback: ops-b'), 'x.yaml')).toThrowError(/services\[0\]\.fallback: a fallback takes over from the instance that runs the service: set `instance` too/);
    expect(() => parseConfigText(service('instance: ops-a, fallback: ops-a'), 'x.yaml')).toThrowError(/services\[0\]\.fallback: the fallback must be another instance than `instance` \(both are "ops-a"\)/);
    expect(() => parseConfigText(service('instance: "ops a"'), 'x.yaml')).toThrowError(/services\[0\]\.instance: must be 1 to 63 letters, digits and \. _ -/);
  });

  it('ships the runbook ladder as the default policy for CRIT', () => {
    const config = parseConfigText('{}', 'x.yaml');
    expect(config.escalation.bySeverity).toEqual({ CRIT: 'default' });
    expect(config.escalation.policies.default!.levels.map((l) => [l.level, l.after / 60_000])).toEqual([
      [1, 5],
      [2, 15],
      [3, 45],
      [4, 90],
    ]);
  });
});
