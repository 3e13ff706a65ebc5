/** A plain text table for people: a header row, columns padded to their widest cell. */
export function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  if (rows.length === 0) return '(none)\n';
  const cells = [header, ...rows.map((row) => row.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  return `${cells.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n')}\n`;
}

export const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
