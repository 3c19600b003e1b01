/** Column-aligned tables for terminals, tab-separated lines otherwise. */

/** Renders rows under a header; the last column is cut to fit `width` when given. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { width?: number | undefined; bold?: (text: string) => string } = {},
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const bold = options.bold ?? ((text: string) => text);
  const line = (cells: readonly string[]): string => {
    const padded = cells.map((cell, column) =>
      column === cells.length - 1 ? cell : cell.padEnd(widths[column]!),
    );
    const text = padded.join('  ');
    if (options.width !== undefined && text.length > options.width && options.width > 20) {
      return `${text.slice(0, options.width - 1)}…`;
    }
    return text;
  };
  return `${[bold(line(header)), ...rows.map(line)].join('\n')}\n`;
}

/** One tab-separated line per row, no header: for pipes and scripts. */
export function renderPlainRows(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.join('\t')).join('\n') + (rows.length > 0 ? '\n' : '');
}
