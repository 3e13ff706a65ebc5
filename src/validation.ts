/** Formats a zod issue path the way users write it: `routes[0].match.minSeverity`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Whether `text` holds half of a UTF-16 surrogate pair on its own: not Unicode text, and no UTF-8 can store it. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `text` with every lone surrogate replaced by U+FFFD, as Go's JSON encoder (Alertmanager's) writes invalid text. */
export function replaceLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATES, '\ufffd');
}

interface Visit {
  value: unknown;
  key: PropertyKey | undefined;
  parent: Visit | undefined;
}

/**
 * The path (`alerts[0].labels.env`) of a string in a parsed JSON body that holds a lone surrogate,
 * an object key included, or undefined when all its text is well formed. Walks without recursion and
 * without copying paths, so a deeply nested body can neither overflow the stack nor cost quadratic time.
 */
export function loneSurrogatePath(body: unknown): string | undefined {
  const pending: Visit[] = [{ value: body, key: undefined, parent: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (hasLoneSurrogate(value)) return pathOf(visit);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], key: i, parent: visit });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (const [key] of entries) {
        if (hasLoneSurrogate(key)) return `${pathOf(visit)} (the name ${JSON.stringify(replaceLoneSurrogates(key))})`;
      }
      for (let i = entries.length - 1; i >= 0; i--) pending.push({ value: entries[i]![1], key: entries[i]![0], parent: visit });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string {
  const path: PropertyKey[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return formatIssuePath(path) || '(body)';
}
