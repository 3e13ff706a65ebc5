/** setMyCommands / getMyCommands / deleteMyCommands, kept per scope and language. */
import { badRequest, canonicalJson, jsonParam, stringParam, type Params } from './telegram-http.js';

export interface BotCommand {
  command: string;
  description: string;
}

/** `setMyCommands`: at most 100 commands, names `[a-z0-9_]{1,32}`, descriptions 1..256 characters. */
export function botCommands(params: Params): BotCommand[] {
  const commands = jsonParam(params, 'commands');
  if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required and must be an Array');
  if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  return commands.map((entry: unknown) => {
    const { command, description } = (entry ?? {}) as Record<string, unknown>;
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    return { command, description };
  });
}

export class BotCommandRegistry {
  private readonly byScope = new Map<string, BotCommand[]>();

  set(p: Params): true {
    this.byScope.set(keyOf(p), botCommands(p));
    return true;
  }

  get(p: Params): BotCommand[] {
    return this.byScope.get(keyOf(p)) ?? [];
  }

  delete(p: Params): true {
    this.byScope.delete(keyOf(p));
    return true;
  }

  /** Commands for a scope (default `{ type: 'default' }`) and language code. */
  for(scope?: Record<string, unknown>, languageCode?: string): BotCommand[] {
    return this.byScope.get(commandsKey(scope, languageCode)) ?? [];
  }
}

const keyOf = (p: Params): string => commandsKey(jsonParam(p, 'scope'), stringParam(p, 'language_code'));

function commandsKey(scope: unknown, languageCode: string | undefined): string {
  return `${canonicalJson(scope ?? { type: 'default' })}|${languageCode ?? ''}`;
}
