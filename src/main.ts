import { createLogger } from './telemetry/log.js';
import { loadConfigOrRefuse, startBotOrRefuse } from './launch.js';

async function main() {
  const stderr = (text: string) => process.stderr.write(text);
  const config = loadConfigOrRefuse(process.env, stderr);
  if ('exitCode' in config) process.exit(config.exitCode);
  const log = createLogger(config.env.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));

  const bot = await startBotOrRefuse(config, log, stderr);
  if ('exitCode' in bot) process.exit(bot.exitCode);

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
