import { ConfigError, loadConfig } from './config/load.js';
import { RedisUnavailableError } from './redis/embedded.js';
import { createLogger } from './telemetry/log.js';
import { startBot } from './app.js';
import { describeStartupFailure, StartupError } from './startup-error.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`opsbot: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.env.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));

  let bot;
  try {
    bot = await startBot(config, log);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RedisUnavailableError) {
      log.fatal(error.message);
      process.stderr.write(`opsbot: ${error.message}\n`);
      process.exit(2);
    }
    const line = describeStartupFailure(error);
    if (error instanceof StartupError) log.fatal(line);
    else log.fatal({ err: error }, line);
    process.stderr.write(`opsbot: ${line}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 30 s; exiting anyway');
      process.exit(1);
    }, 30_000);
    force.unref();
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
