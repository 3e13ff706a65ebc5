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
      escalation: null,
    });
  });

  it('adds subscribed chats beside the routes, by least severity and service', () => {
    const only = parseConfigText('defaultRoute: { telegram: ["5"] }', 'y');
    const subscriptions = [
      { id: 1, platform: 'telegram' as const, destination: '-7', minSeverity: 'WARN' as const, services: [] },
      { id: 2, platform: 'discord' as const, destination: '8', minSeverity: 'INFO' as const, services: ['db'] },
    ];
    expect(decideRoute(alert('CRIT', 'api'), only, subscriptions).destinations).toEqual([
      { platform: 'telegram', destination: '5', via: 'default' },
      { platform: 'telegram', destination: '-7', via: 'subscription:1' },
    ]);
    expect(decideRoute(alert('INFO', 'db'), only, subscriptions).destinations.map((d) => d.via)).toEqual(['default', 'subscription:2']);
  });

  it('picks the escalation policy of the first matched route that names one, else the severity default', () => {
    const config = parseConfigText(
      [
        'routes:',
        '  - { name: quiet, match: { service: batch }, discord: ["1"], escalation: none, continue: true }',
        '  - { name: all, match: {}, discord: ["2"], escalation: pager }',
        'escalation:',
        '  policies: { pager: { levels: [{ level: 2, after: 1m }] } }',
      ].join('\n'),
      'p',
    );
    expect(decideRoute(alert('CRIT', 'batch'), config).escalation).toBeNull();
    expect(decideRoute(alert('INFO', 'api'), config).escalation).toBe('pager');
    const plain = parseConfigText('defaultRoute: { discord: ["1"] }', 'd');
    expect(decideRoute(alert('CRIT', 'api'), plain).escalation).toBe('default');
    expect(decideRoute(alert('WARN', 'api'), plain).escalation).toBeNull();
  });

  it('lists a destination once even when two routes name it', () => {
    const twice = parseConfigText(
      'routes:\n  - { name: a, match: {}, discord: ["1"], continue: true }\n  - { name: b, match: {}, discord: ["1"] }',
      'z',
    );
    expect(decideRoute(alert('INFO', null), twice).destinations).toHaveLength(1);
  });
});
