import { loadConfig, type Config } from '../config/load.js';
import { decideRoute } from '../routing/route.js';
import type { RoutableAlert } from '../routing/matchers.js';
import { SEVERITIES, type Severity } from '../shared/types.js';
import { CliError } from './api-client.js';
import { parseLabels } from './alert-commands.js';
import { table } from './table.js';

type Write = (text: string) => void;

/** The configuration a start would use: the environment, and `file` instead of OPSBOT_CONFIG when given. */
function configFrom(env: NodeJS.ProcessEnv, file: string | undefined): Config {
  return loadConfig(file === undefined ? env : { ...env, OPSBOT_CONFIG: file });
}

/**
 * `opsbot config check [file]`: validates the environment and the config file exactly as a start
 * would, without starting; prints what the file sets up. A problem throws the start's own ConfigError (exit 2).
 */
export function checkConfig(env: NodeJS.ProcessEnv, file: string | undefined, json: boolean, write: Write): void {
  const { file: config, configPath } = configFrom(env, file);
  const summary = {
    file: configPath,
    routes: config.routes.map((route) => route.name),
    escalationPolicies: Object.keys(config.escalation.policies),
    inhibitRules: config.inhibitRules.map((rule, i) => rule.name ?? `inhibitRules[${i}]`),
    services: config.services.map((service) => service.name),
    heartbeats: config.heartbeats.map((heartbeat) => heartbeat.name),
    triggers: config.triggers.map((trigger) => trigger.name),
    opsCycles: config.opsCycle.times,
  };
  if (json) return write(`${JSON.stringify({ valid: true, ...summary }, null, 2)}\n`);
  const list = (names: string[]) => (names.length === 0 ? 'none' : `${names.length} (${names.join(', ')})`);
  write(`${configPath ?? 'no config file (embedded defaults)'}: valid\n`);
  write(`  routes: ${list(summary.routes)}\n  escalation policies: ${list(summary.escalationPolicies)}\n  inhibit rules: ${list(summary.inhibitRules)}\n  services: ${list(summary.services)}\n`);
  write(`  heartbeats: ${list(summary.heartbeats)}\n  triggers: ${list(summary.triggers)}\n  ops cycles: ${summary.opsCycles.join(', ')}\n`);
}

export interface RouteTestOptions {
  severity?: string;
  service?: string;
  label?: string[];
  config?: string;
}

/**
 * `opsbot routes test`: where an alert with this severity, service and labels would go under the
 * config file, decided by the intake's own routing (`decideRoute`). Chat subscriptions and silences
 * live in the running bot's store and are not part of it.
 */
export function testRoutes(env: NodeJS.ProcessEnv, options: RouteTestOptions, json: boolean, write: Write): void {
  const severity = options.severity?.toUpperCase();
  if (!SEVERITIES.includes(severity as Severity)) throw new CliError(`--severity must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(options.severity ?? '')})`);
  const { file, configPath } = configFrom(env, options.config);
  const alert: RoutableAlert = { severity: severity as Severity, service: options.service ?? null, labels: parseLabels(options.label) };
  const decision = decideRoute(alert, file);
  if (json) return write(`${JSON.stringify({ alert, ...decision }, null, 2)}\n`);
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  write(`${alert.severity} alert${alert.service ? `, service ${alert.service}` : ''}${labels ? `, labels ${labels}` : ''} under ${configPath ?? 'the embedded defaults'}:\n`);
  write(`  matched routes: ${decision.usedDefault ? 'none, so the default route' : decision.matched.join(' → ')}\n`);
  write(`  escalation: ${decision.escalation ?? 'none'}\n`);
  write(decision.destinations.length === 0 ? '  destinations: none (stored, posted nowhere)\n' : table(['platform', 'destination', 'via'], decision.destinations.map((d) => [d.platform, d.destination, d.via])));
  write('  (chat subscriptions and silences live in the running bot and are not included)\n');
}
