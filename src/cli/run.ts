import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { botApi, CliError } from './api-client.js';
import { actOnAlert, listAlerts, resendFailed, sendAlert } from './alert-commands.js';
import { COMMAND_DEPLOYMENT_NEEDS, deployCommands } from '../platforms/registry.js';
import { PLATFORMS } from '../shared/types.js';
import { ALL_COMMANDS } from '../../commands/index.js';
import { printHistory, printStatus, runHeal, runReport, testNotify } from './ops-commands.js';
import { printHealth } from './health.js';
import { printGovernance } from './governance.js';
import { printActions, printTriggers, runCheck } from './triggers.js';
import { checkConfig, testRoutes } from './config-commands.js';
import { showAlert } from './alert-detail.js';
import { runDoctor } from './doctor.js';
import { runSilence } from './silence-commands.js';

const USAGE = `usage: opsbot <command> [options]   (every command but start, config, routes, doctor and deploy-commands
talks to the running bot at OPSBOT_URL, else at HOST and PORT, with API_TOKEN; --json for scripts)

commands:
  start                               run the bot (same as npm start)
  status                              firing alerts, escalations, services, heartbeats, queues
  status --health                     opsbot's own health: store, Redis, queues, chat sessions, last ops cycle;
                                      exit 0 ok, 1 degraded, 3 down (the store or Redis cannot work)
  alerts [--status firing|resolved] [--severity CRIT] [--service S] [--limit N]
  alert <id>                          one alert: labels, route, each delivery, the escalation ladder
  send --severity CRIT --title "…" [--body …] [--service S] [--label k=v]… [--dedup-key K]
  send --dedup-key K --resolved       resolve the firing alert with that dedup key
  ack <id> [--by name]                acknowledge an alert (stops its escalation)
  resolve <id> [--by name]            resolve an alert by hand
  resend [<id>] [--platform ${PLATFORMS.join('|')}] [--destination D] [--hours N] [--by name]
                                      send failed deliveries again (all, or one alert's, one destination's,
                                      the last N hours'); many to one chat are combined into summaries
  heal <service> [action]             run a configured heal action
  history <service> [--hours N]       a service's state changes and uptime
  triggers                            trigger rules, last values and fires
  check [--by name]                   run every probe, heartbeat check and trigger rule now; exit 0 healthy,
                                      1 when anything is wrong (for cron and CI)
  governance                          the governed repositories' code health: latest figures and their trend
  actions                             every heal action and trigger alert: its kind, who uses it, its runs,
                                      success rate and last run over 7 days
  report [--list]                     run an ops cycle now, or list the reports
  silence add <matcher>… --duration 2h|--end <ISO time> --comment "…" [--author name]
  silence list [--expired|--all]       silences, as amtool: matchers like service=api env=~prod.*
  silence expire <id>…                end silences now
  test-notify [--route NAME] [--by name]
                                      post a test alert (INFO) through every route, or the one named
  config check [file]                 validate the environment and the config file (OPSBOT_CONFIG, else
                                      ./opsbot.yaml) as a start would, without starting; exit 0 valid, 2 not
  routes test --severity CRIT [--service S] [--label k=v]… [--config file]
                                      which destinations such an alert would reach under the config, and why
  doctor                              check the setup without starting: config, store, Redis, each chat
                                      token and destination, supervised programs; exit 0 fine, 1 a problem
  deploy-commands                     register the chat commands ahead of start (${COMMAND_DEPLOYMENT_NEEDS})
  help                                this text

exit codes: 0 done, 1 the bot refused (unknown alert, already acked, …), 2 usage, an invalid config, unreachable bot or wrong token
            (status --health: 0 ok, 1 degraded, 3 down; check: 0 healthy, 1 anything wrong)
`;

const json = { type: 'boolean' } as const;
const SPECS: Record<string, ParseArgsConfig['options']> = {
  status: { json, health: { type: 'boolean' } },
  alert: { json },
  alerts: { json, status: { type: 'string' }, severity: { type: 'string' }, service: { type: 'string' }, limit: { type: 'string' } },
  send: {
    json,
    severity: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string' },
    service: { type: 'string' },
    label: { type: 'string', multiple: true },
    'dedup-key': { type: 'string' },
    resolved: { type: 'boolean' },
  },
  ack: { json, by: { type: 'string' } },
  resolve: { json, by: { type: 'string' } },
  resend: { json, by: { type: 'string' }, platform: { type: 'string' }, destination: { type: 'string' }, hours: { type: 'string' } },
  heal: { json },
  history: { json, hours: { type: 'string' } },
  triggers: { json },
  actions: { json },
  governance: { json },
  check: { json, by: { type: 'string' } },
  report: { json, list: { type: 'boolean' } },
  'test-notify': { json, route: { type: 'string' }, by: { type: 'string' } },
  silence: {
    json,
    duration: { type: 'string' },
    end: { type: 'string' },
    comment: { type: 'string' },
    author: { type: 'string' },
    expired: { type: 'boolean' },
    all: { type: 'boolean' },
  },
  config: { json },
  routes: { json, severity: { type: 'string' }, service: { type: 'string' }, label: { type: 'string', multiple: true }, config: { type: 'string' } },
  doctor: { json },
  'deploy-commands': {},
};

function parse(command: string, args: string[]) {
  try {
    return parseArgs({ args, options: SPECS[command]!, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one `opsbot` command and returns its exit code: 0 done, 1 the bot refused, 2 usage, an
 * unreachable bot or a wrong token. `start` returns null: the bot it started keeps the process running.
 */
export async function run(argv: string[], io: CliIo): Promise<number | null> {
  try {
    return await runCommand(argv, io);
  } catch (error) {
    io.stderr(`opsbot: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof ConfigError || error instanceof CliError) return 2;
    return 1;
  }
}

async function runCommand(argv: string[], io: CliIo): Promise<number | null> {
  const [command, ...rest] = argv;
  const write = io.stdout;
  if (command === 'start') {
    await import('../main.js');
    return null;
  }
  if (command === undefined || command === 'help' || command === '--help') {
    write(USAGE);
    return 0;
  }
  if (!(command in SPECS)) throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  const { values, positionals } = parse(command, rest);
  const asJson = values.json === true;
  const bot = botApi(io.env);
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  switch (command) {
    case 'status':
      if (values.health === true) return printHealth(bot, asJson, write);
      await printStatus(bot, asJson, write);
      break;
    case 'alerts':
      await listAlerts(bot, { status: text('status'), severity: text('severity')?.toUpperCase(), service: text('service'), limit: text('limit') }, asJson, write);
      break;
    case 'alert':
      await showAlert(bot, positionals[0], asJson, write);
      break;
    case 'send':
      await sendAlert(bot, values as Parameters<typeof sendAlert>[1], asJson, write);
      break;
    case 'ack':
    case 'resolve':
      await actOnAlert(bot, command, positionals[0], text('by'), asJson, write);
      break;
    case 'resend':
      await resendFailed(bot, positionals[0], { platform: text('platform'), destination: text('destination'), hours: text('hours'), by: text('by') }, asJson, write);
      break;
    case 'heal':
      await runHeal(bot, positionals[0], positionals[1], asJson, write);
      break;
    case 'history':
      await printHistory(bot, positionals[0], text('hours'), asJson, write);
      break;
    case 'triggers':
      await printTriggers(bot, asJson, write);
      break;
    case 'actions':
      await printActions(bot, asJson, write);
      break;
    case 'check':
      return runCheck(bot, text('by'), asJson, write);
    case 'governance':
      await printGovernance(bot, asJson, write);
      break;
    case 'report':
      await runReport(bot, values.list === true, asJson, write);
      break;
    case 'silence':
      await runSilence(bot, positionals, { duration: text('duration'), end: text('end'), comment: text('comment'), author: text('author'), expired: values.expired === true, all: values.all === true }, asJson, write);
      break;
    case 'test-notify':
      await testNotify(bot, text('route'), text('by'), asJson, write);
      break;
    case 'config':
      if (positionals[0] !== 'check' || positionals.length > 2) throw new CliError(`usage: opsbot config check [file]\n\n${USAGE}`);
      checkConfig(io.env, positionals[1], asJson, write);
      break;
    case 'routes':
      if (positionals[0] !== 'test' || positionals.length > 1) throw new CliError(`usage: opsbot routes test --severity CRIT [--service S] [--label k=v]… [--config file]\n\n${USAGE}`);
      testRoutes(io.env, { severity: text('severity'), service: text('service'), label: values.label as string[] | undefined, config: text('config') }, asJson, write);
      break;
    case 'doctor':
      return runDoctor(io.env, asJson, write);
    case 'deploy-commands': {
      for (const line of await deployCommands(loadConfig(io.env).env, ALL_COMMANDS)) write(`${line}\n`);
      break;
    }
  }
  return 0;
}
