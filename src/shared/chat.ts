import type { Platform } from './types.js';

/*
 * The commands as the platforms see them: what a chat front end needs to offer a command, parse what
 * a user typed or pressed, run it and render the answer. The commands themselves (src/chat, commands/)
 * build on this; the platforms never import them.
 */

/** A button under an alert message: the chat command it runs, on that alert. */
/** A button under a message: an alert's Ack and Resolve, or a route group's Ack all and Resolve all. */
export interface AlertAction {
  command: 'ack' | 'resolve' | 'ackgroup' | 'resolvegroup';
  label: string;
  /** The alert, or for the group commands the group message (its summary id). */
  target: number;
}

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

export const privateReply = (text: string): Reply => ({ text, private: true });
export const publicReply = (text: string, buttons?: AlertAction[]): Reply => ({ text, private: false, ...(buttons ? { buttons } : {}) });

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

/** What a platform needs to know of a command to list it (menus, slash-command definitions) and parse its options. */
export interface CommandShape {
  /** Lower case, as typed after the slash. */
  name: string;
  /** One line, at most 100 characters (Discord's limit), shown in command menus and /help. */
  description: string;
  options: OptionSpecs;
}

export interface Invocation {
  command: string;
  /** Option values as typed, by option name; absent options are undefined. */
  raw: Record<string, string | undefined>;
  invoker: Invoker;
  via: 'command' | 'button';
}

/** The commands as a chat front end uses them: listed, looked up by name, and run. */
export interface CommandMenu {
  readonly commands: readonly CommandShape[];
  get(name: string): CommandShape | undefined;
  run(invocation: Invocation): Promise<Reply>;
}
