#!/usr/bin/env node
import { ConfigError, loadConfig } from '../config/load.js';
import { deployCommands } from './deploy-commands.js';
import { CliError } from './api-client.js';
import { printTriggers } from './triggers.js';

const USAGE = `usage: opsbot <command>

commands:
  start             run the bot (same as npm start)
  deploy-commands   register the Discord slash commands (DISCORD_TOKEN; DISCORD_GUILD_ID for one guild)
  triggers [--json] the trigger rules of the running bot, their last values and fires (OPSBOT_URL, API_TOKEN)
  help              this text
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await import('../main.js');
      return -1;
    case 'deploy-commands': {
      const result = await deployCommands(loadConfig().env);
      process.stdout.write(
        result.changed
          ? `registered ${result.count} slash commands (${result.scope})\n`
          : `${result.count} slash commands already up to date (${result.scope}); nothing sent\n`,
      );
      return 0;
    }
    case 'triggers':
      await printTriggers(rest.includes('--json'), (text) => process.stdout.write(text));
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`opsbot: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof CliError) {
      process.stderr.write(`opsbot: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`opsbot: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
