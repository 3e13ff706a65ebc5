import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandShape } from '../../shared/chat.js';

const STRING_OPTION = 3;

/** Slash command JSON for Discord's bulk PUT; every option is a string parsed by the shared option spec. */
export function discordCommandBodies(commands: readonly CommandShape[]): RESTPutAPIApplicationCommandsJSONBody {
  return commands.map((command) => ({
    name: command.name,
    description: command.description,
    options: Object.entries(command.options).map(([name, spec]) => ({
      type: STRING_OPTION,
      name,
      description: spec.description.slice(0, 100),
      required: spec.required,
      ...(spec.choices ? { choices: spec.choices.map((choice) => ({ name: choice, value: choice })) } : {}),
    })),
  }));
}

interface ComparableOption {
  name: string;
  description: string;
  type: number;
  required: boolean;
  choices: string[];
}

/** The parts of a registered command that our definitions decide, in a stable shape for comparing. */
export function comparableCommands(list: readonly unknown[]): string {
  const shaped = list.map((raw) => {
    const c = raw as { name: string; description: string; options?: Array<Record<string, unknown>> };
    const options: ComparableOption[] = (c.options ?? []).map((o) => ({
      name: String(o.name),
      description: String(o.description),
      type: Number(o.type),
      required: o.required === true,
      choices: ((o.choices as Array<{ value: unknown }> | undefined) ?? []).map((choice) => String(choice.value)),
    }));
    return { name: c.name, description: c.description, options };
  });
  shaped.sort((a, b) => a.name.localeCompare(b.name));
  return JSON.stringify(shaped);
}
