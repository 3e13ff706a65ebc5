import type { Role } from '../config/access-schema.js';
import type { Platform } from '../shared/types.js';
import type { AlertAction } from '../channels/shared/actions.js';
import type { CommandServices } from './services.js';
import type { Actor } from '../operations/actor.js';
import { changedSomething, type OperationResult } from '../operations/results.js';
import { chatText } from '../operations/wording.js';

/** Who runs a command, and where. */
export interface Invoker {
  platform: Platform;
  userId: string;
  /** How replies and the audit log name the user: `@name` on Telegram, the username on Discord. */
  userName: string;
  /** The Discord channel or Telegram chat the command came from. */
  chatId: string;
  /** Discord role ids of the member (empty on Telegram and in DMs). */
  roleIds: string[];
}

/** A platform-neutral answer; the chat adapters render it (escaped) and send it. */
export interface Reply {
  text: string;
  /** Shown only to the user where the platform can (Discord ephemeral; Telegram answers in the chat). */
  private: boolean;
  buttons?: AlertAction[];
  /**
   * A repeat of a refusal this user was already given moments ago: a platform that must answer
   * anyway (a Discord interaction, a Telegram button) does; one that would post a new chat
   * message (a Telegram command) stays silent, so a stranger cannot spend a chat's message budget.
   */
  quiet?: boolean;
}

export class ArgumentError extends Error {}

export interface OptionSpec<T = unknown, Required extends boolean = boolean> {
  description: string;
  required: Required;
  /** On Telegram the last option may take the rest of the line (a reason, a list of services). */
  rest?: boolean;
  /** The fixed values this option takes; Discord shows them as choices. */
  choices?: readonly string[];
  /** Turns the typed text into a value, or throws ArgumentError saying what is wrong. */
  parse(raw: string): T;
}

export type OptionSpecs = Record<string, OptionSpec>;

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

export interface CommandDefinition<O extends OptionSpecs = OptionSpecs> {
  /** Lower case, as typed after the slash. */
  name: string;
  /** One line, at most 100 characters (Discord's limit), shown in command menus and /help. */
  description: string;
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

export const privateReply = (text: string): Reply => ({ text, private: true });
export const publicReply = (text: string, buttons?: AlertAction[]): Reply => ({ text, private: false, ...(buttons ? { buttons } : {}) });

/** An operation's outcome as a chat answer: in public when it changed something, to the invoker alone when not. */
export function replyTo(result: OperationResult): Reply {
  const text = chatText(result);
  return changedSomething(result) ? publicReply(text) : privateReply(text);
}
