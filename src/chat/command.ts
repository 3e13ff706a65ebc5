import type { Role } from '../shared/roles.js';
import { privateReply, publicReply, type CommandShape, type Invoker, type OptionSpecs, type OptionSpec, type Reply } from '../shared/chat.js';
import type { CommandServices } from './services.js';
import type { Actor } from '../operations/actor.js';
import { changedSomething, type OperationResult } from '../operations/results.js';
import { chatText } from '../operations/wording.js';

export class ArgumentError extends Error {}

export type ArgsOf<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends OptionSpec<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

export interface CommandContext {
  invoker: Invoker;
  /** The invoker as operations see them: their name, and the audit row of this command. */
  actor: Actor;
  role: Role;
  services: CommandServices;
  /** Every command the bot has, for /help. */
  commands: readonly CommandDefinition[];
  now: Date;
}

/** A chat command: what the platforms show of it, who may run it, and what it does. */
export interface CommandDefinition<O extends OptionSpecs = OptionSpecs> extends CommandShape {
  role: Role;
  options: O;
  handle(ctx: CommandContext, args: ArgsOf<O>): Promise<Reply> | Reply;
}

/** Keeps the option types of a definition while storing it among the others. */
export function defineCommand<const O extends OptionSpecs>(definition: CommandDefinition<O>): CommandDefinition {
  return definition as unknown as CommandDefinition;
}

export function usage(command: CommandDefinition): string {
  const options = Object.entries(command.options).map(([name, spec]) => {
    const shown = spec.choices ? spec.choices.join('|') : name;
    const text = spec.rest ? `${shown}…` : shown;
    return spec.required ? `<${text}>` : `[${text}]`;
  });
  return [`/${command.name}`, ...options].join(' ');
}

/** An operation's outcome as a chat answer: in public when it changed something, to the invoker alone when not. */
export function replyTo(result: OperationResult): Reply {
  const text = chatText(result);
  return changedSomething(result) ? publicReply(text) : privateReply(text);
}
