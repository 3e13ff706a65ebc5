/** What a chat message's text says about alerts: its own alert id, or a storm summary's id list. */

export interface Carried {
  kind: 'own' | 'summary' | 'other';
  ids: number[];
  /** Ids a summary counted but could not list (`… (N ids omitted)`). */
  omitted: number;
}

/** `IDs: #101–#180, #190` → every id; own messages carry `alert #<id>`. */
export function carriedIds(text: string): Carried {
  if (text.includes('Storm summary')) {
    const line = text.split('\n').find((l) => l.startsWith('IDs: ')) ?? '';
    const ids: number[] = [];
    for (const match of line.matchAll(/#(\d+)(?:–#(\d+))?/g)) {
      const first = Number(match[1]);
      const last = match[2] ? Number(match[2]) : first;
      for (let id = first; id <= last; id++) ids.push(id);
    }
    const omitted = Number(/\((\d+) ids? omitted\)/.exec(line)?.[1] ?? 0);
    return { kind: 'summary', ids, omitted };
  }
  const own = /alert #(\d+)/.exec(text);
  return own ? { kind: 'own', ids: [Number(own[1])], omitted: 0 } : { kind: 'other', ids: [], omitted: 0 };
}
