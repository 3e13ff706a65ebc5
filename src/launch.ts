import { ConfigError, loadConfig, type Config } from './config/load.js';
import { RedisUnavailableError } from './redis/embedded.js';
import type { Logger } from './telemetry/log.js';
import { startBot, type RunningBot } from './app.js';
import { describeStartupFailure, StartupError } from './startup-error.js';

/** A start-up that failed, with the exit code `opsbot start` leaves with: 2 for what the user must fix (config, Redis), 1 otherwise. */
export interface Refusal {
  exitCode: 1 | 2;
}

/** Loads the config from `environment`; a bad one is one `opsbot: …` line on `stderr` and exit code 2. */
export function loadConfigOrRefuse(environment: NodeJS.ProcessEnv, stderr: (text: string) => void): Config | Refusal {
  try {
    return loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`opsbot: ${error.message}\n`);
    return { exitCode: 2 };
  }
}

/** Starts the bot; a failure is logged, written as one `opsbot: …` line on `stderr` and returned with its exit code. */
export async function startBotOrRefuse(config: Config, log: Logger, stderr: (text: string) => void): Promise<RunningBot | Refusal> {
  try {
    return await startBot(config, log);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RedisUnavailableError) {
      log.fatal(error.message);
      stderr(`opsbot: ${error.message}\n`);
      return { exitCode: 2 };
    }
    const line = describeStartupFailure(error);
    if (error instanceof StartupError) log.fatal(line);
    else log.fatal({ err: error }, line);
    stderr(`opsbot: ${line}\n`);
    return { exitCode: 1 };
  }
}
