/** Formats a zod issue path the way users write it: `routes[0].match.minSeverity`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
