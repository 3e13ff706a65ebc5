import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { decideRoute } from '../src/routing/route.js';

const config = parseConfigText(
  `
routes:
  - name: db-crit
    match: { minSeverity: CRIT, service: [postgres, redis] }
    discord: ["100"]
    continue: true
  - name: prod
    match: { minSeverity: WARN, labels: { env: prod, team: { regex: "db|infra" } } }
    telegram: ["-200"]
  - name: never-reached-after-prod
    match: { minSeverity: INFO }
    telegram: ["-300"]
defaultRoute:
  discord: ["999"]
`,
  'routing.yaml',
);

const alert = (severity: 'INFO' | 'WARN' | 'CRIT', service: string | null, labels: Record<string, string> = {}) => ({
  severity,
  service,
  labels,
});

describe('routing', () => {
  it('continues past a matching route that says continue', () => {
    const decision = decideRoute(alert('CRIT', 'postgres', { env: 'prod', team: 'db' }), config);
    expect(decision.matched).toEqual(['db-crit', 'prod']);
    expect(decision.destinations).toEqual([
      { platform: 'discord', destination: '100', via: 'route:db-crit' },
      { platform: 'telegram', destination: '-200', via: 'route:prod' },
    ]);
  });

  it('stops at the first matching route without continue', () => {
    const decision = decideRoute(alert('WARN', 'api', { env: 'prod', team: 'infra' }), config);
    expect(decision.matched).toEqual(['prod']);
  });

  it('honours the minimum severity', () => {
    expect(decideRoute(alert('WARN', 'postgres'), config).matched).toEqual(['never-reached-after-prod']);
  });

  it('matches label regexes in full, not as substrings', () => {
    const decision = decideRoute(alert('WARN', 'api', { env: 'prod', team: 'dbx' }), config);
    expect(decision.matched).toEqual(['never-reached-after-prod']);
  });

  it('requires every listed label to be present', () => {
    expect(decideRoute(alert('CRIT', 'api', { team: 'db' }), config).matched).toEqual(['never-reached-after-prod']);
  });

  it('falls back to the default route when nothing matches', () => {
    const only = parseConfigText('routes: [{ name: x, match: { service: a }, discord: ["1"] }]\ndefaultRoute: { telegram: ["5"] }', 'y');
    const decision = decideRoute(alert('INFO', 'b'), only);
    expect(decision).toEqual({
      matched: [],
      usedDefault: true,
      destinations: [{ platform: 'telegram', destination: '5', via: 'default' }],
    });
  });

  it('lists a destination once even when two routes name it', () => {
    const twice = parseConfigText(
      'routes:\n  - { name: a, match: {}, discord: ["1"], continue: true }\n  - { name: b, match: {}, discord: ["1"] }',
      'z',
    );
    expect(decideRoute(alert('INFO', null), twice).destinations).toHaveLength(1);
  });
});
