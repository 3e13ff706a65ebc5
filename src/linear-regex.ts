import { RE2JS, RE2JSException } from 're2js';

/**
 * Regular expressions from users and config files (silences, route label matchers, probe bodies) run
 * here: RE2 syntax and semantics in linear time (re2js), as Alertmanager's Go regexps, so no pattern
 * can stall the process however it is written. Each source is compiled once and kept.
 */

/** The longest regular expression accepted, in characters. */
export const MAX_REGEX_LENGTH = 1_000;
/** Compiled expressions kept; past it the oldest is dropped and compiled again when next used. */
const CACHE_LIMIT = 1_000;

export class RegexError extends Error {}

type Anchoring = 'whole value' | 'anywhere';

const cache = new Map<string, RE2JS | RegexError>();

/** Why `source` cannot be used as a regular expression ("too long: …", "not a valid …"), or undefined when it can. */
export function regexProblem(source: string): string | undefined {
  const compiled = cached(source, 'anywhere');
  return compiled instanceof RegexError ? compiled.message : undefined;
}

/** Whether `source` matches all of `value`, anchored as Alertmanager's matchers (`^(?:…)$`). Throws RegexError. */
export function matchesWhole(source: string, value: string): boolean {
  return usable(cached(source, 'whole value')).test(value);
}

/** Whether `source` matches somewhere in `text`. Throws RegexError. */
export function matchesAnywhere(source: string, text: string): boolean {
  return usable(cached(source, 'anywhere')).test(text);
}

function usable(compiled: RE2JS | RegexError): RE2JS {
  if (compiled instanceof RegexError) throw compiled;
  return compiled;
}

function cached(source: string, anchoring: Anchoring): RE2JS | RegexError {
  const key = `${anchoring}\u0000${source}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = compile(source, anchoring);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  return entry;
}

function compile(source: string, anchoring: Anchoring): RE2JS | RegexError {
  if (source.length > MAX_REGEX_LENGTH) {
    return new RegexError(`too long: ${source.length} characters, where a regular expression may have at most ${MAX_REGEX_LENGTH}`);
  }
  try {
    RE2JS.compile(source);
    return anchoring === 'whole value' ? RE2JS.compile(`^(?:${source})$`) : RE2JS.compile(source);
  } catch (error) {
    if (error instanceof RE2JSException) return new RegexError(`not a valid regular expression (RE2 syntax): ${error.message}`);
    throw error;
  }
}
