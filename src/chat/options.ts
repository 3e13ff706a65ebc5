import { z } from 'zod';
import { SEVERITIES, type Severity } from '../shared/types.js';
import type { SilenceMatcherJson } from '../db/schema.js';
import { MatcherError, parseMatchers } from '../shared/matcher-syntax.js';
import { parseDuration } from '../time/duration.js';
import { ArgumentError } from './command.js';
import type { OptionSpec } from '../shared/chat.js';

const idSchema = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^#?\d{1,15}$/, `must be a${/^[aeiou]/.test(what) ? 'n' : ''} ${what} number like 42 or #42`)
    .transform((text) => Number(text.replace('#', '')));

function viaZod<T>(schema: z.ZodType<T, string>, what: string): (raw: string) => T {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ArgumentError(`${what} ${JSON.stringify(raw)} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    return parsed.data;
  };
}

/** A record number such as an alert or silence id, written `42` or `#42`. */
export function idOption<R extends boolean>(required: R, description: string, what: string): OptionSpec<number, R> {
  return { description, required, parse: viaZod(idSchema(what), what) };
}

export function durationOption<R extends boolean>(required: R, description: string, maxMs = 90 * 86_400_000): OptionSpec<number, R> {
  return {
    description,
    required,
    parse(raw) {
      const ms = parseDuration(raw);
      if (ms === null || ms === 0) throw new ArgumentError(`duration ${JSON.stringify(raw)} is not like 30m, 2h, 1h30m or 1d`);
      if (ms > maxMs) throw new ArgumentError(`duration ${JSON.stringify(raw)} is longer than the ${maxMs / 86_400_000} days allowed`);
      return ms;
    },
  };
}

export function textOption<R extends boolean>(required: R, description: string, rest = false, maxLength = 500): OptionSpec<string, R> {
  return {
    description,
    required,
    rest,
    parse(raw) {
      const text = raw.trim();
      if (text.length === 0) throw new ArgumentError('an empty value was given');
      if (text.length > maxLength) throw new ArgumentError(`text longer than ${maxLength} characters`);
      return text;
    },
  };
}

export function severityOption<R extends boolean>(required: R, description: string): OptionSpec<Severity, R> {
  return {
    description,
    required,
    choices: SEVERITIES,
    parse: viaZod(z.string().trim().toUpperCase().pipe(z.enum(SEVERITIES, { message: 'must be INFO, WARN or CRIT' })), 'severity'),
  };
}

export function matchersOption<R extends boolean>(required: R, description: string): OptionSpec<SilenceMatcherJson[], R> {
  return {
    description,
    required,
    parse(raw) {
      try {
        return parseMatchers(raw);
      } catch (error) {
        if (error instanceof MatcherError) throw new ArgumentError(error.message);
        throw error;
      }
    },
  };
}

/** A list of service names separated by spaces or commas. */
export function servicesOption<R extends boolean>(required: R, description: string): OptionSpec<string[], R> {
  return {
    description,
    required,
    rest: true,
    parse(raw) {
      const names = raw.split(/[\s,]+/).filter((n) => n.length > 0);
      const bad = names.find((n) => !/^[\w.\-:/]{1,100}$/.test(n));
      if (bad) throw new ArgumentError(`${JSON.stringify(bad)} is not a service name (letters, digits and _ . - : / only)`);
      return names;
    },
  };
}
