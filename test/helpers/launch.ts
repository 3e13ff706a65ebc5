import type { RunningBot } from '../../src/app.js';
import { loadConfigOrRefuse, startBotOrRefuse } from '../../src/launch.js';
import { createLogger } from '../../src/telemetry/log.js';

export interface Launch {
  /** The started bot, or null when start-up was refused. */
  bot: RunningBot | null;
  /** The exit code `opsbot start` would leave with when refused. */
  code: number | null;
  /** What the process would have printed: its log lines (JSON) and its `opsbot: …` lines. */
  output: string;
  /** The log lines, parsed. */
  lines: Array<Record<string, unknown>>;
}

/** Starts the bot in this process as `src/main.ts` would, from `env` alone (LOG_LEVEL info unless given). */
export async function launchInProcess(env: Record<string, string>): Promise<Launch> {
  let output = '';
  const lines: Launch['lines'] = [];
  const stderr = (text: string) => (output += text);
  const config = loadConfigOrRefuse({ LOG_LEVEL: 'info', ...env }, stderr);
  if ('exitCode' in config) return { bot: null, code: config.exitCode, output, lines };
  const log = createLogger(config.env.LOG_LEVEL, {
    write: (line: string) => {
      output += line;
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const bot = await startBotOrRefuse(config, log, stderr);
  if ('exitCode' in bot) return { bot: null, code: bot.exitCode, output, lines };
  return { bot, code: null, output, lines };
}

export interface BotInProcess {
  url: string;
  lines: Launch['lines'];
  stop(): Promise<void>;
}

const running = new Set<RunningBot>();

/** Stops every bot this file started in process that is still running (a test that failed half-way leaves one behind). */
export async function stopLeftoverBots(): Promise<void> {
  for (const bot of running) await bot.stop();
  running.clear();
}

/** Starts the bot in this process as `npm start` would from `env`, and fails with its output if it refuses. */
export async function startBotInProcess(env: Record<string, string>): Promise<BotInProcess> {
  const { bot, lines, output } = await launchInProcess(env);
  if (!bot) throw new Error(`bot refused to start:\n${output}`);
  running.add(bot);
  return {
    url: bot.url,
    lines,
    stop: async () => {
      if (!running.delete(bot)) return;
      await bot.stop();
    },
  };
}
