import type { CommandShape } from '../../shared/chat.js';

export interface ParsedCommand {
  command: string;
  argsText: string;
  /** Written `/cmd@thisbot`: meant for us even in a group with other bots. */
  addressed: boolean;
}

/** Where positionalArgs puts words that no option takes, for the runner to refuse by name. */
export const EXTRA_WORDS = '(extra words)';

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/;

/**
 * `/ack 42`, `/ack@opsbot_bot 42`: the command and the rest of the line. A command addressed to
 * another bot (`/ack@otherbot`) is not ours: null.
 */
export function parseCommandText(text: string, botUsername: string): ParsedCommand | null {
  const found = COMMAND.exec(text.trim());
  if (!found) return null;
  const [, command, addressee, args] = found;
  if (addressee && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  return { command: command!.toLowerCase(), argsText: (args ?? '').trim(), addressed: addressee !== undefined };
}

/**
 * Maps words onto the command's options in order. An optional option with fixed choices is
 * skipped when the word is not one of them (`/subscribe api db` has no severity); an option
 * marked `rest` takes the remaining words. Extra words are left for the runner to refuse.
 */
export function positionalArgs(command: CommandShape, argsText: string): Record<string, string | undefined> {
  const words = argsText.split(/\s+/).filter((w) => w.length > 0);
  const raw: Record<string, string | undefined> = {};
  let next = 0;
  for (const [name, spec] of Object.entries(command.options)) {
    if (next >= words.length) break;
    const word = words[next]!;
    if (spec.choices && !spec.required && !spec.choices.some((c) => c.toLowerCase() === word.toLowerCase())) continue;
    if (spec.rest) {
      raw[name] = words.slice(next).join(' ');
      next = words.length;
      break;
    }
    raw[name] = word;
    next++;
  }
  if (next < words.length) raw[EXTRA_WORDS] = words.slice(next).join(' ');
  return raw;
}
