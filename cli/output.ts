/** `--json` prints exactly the JSON value (for scripts and acceptance checks); otherwise a readable rendering. */
export function print(value: unknown, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${render(value, '')}\n`);
}

function render(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    if (value.every(isFlatRecord)) return table(value, indent);
    return value.map((item) => `${indent}-\n${render(item, `${indent}  `)}`).join('\n');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, v]) =>
        v !== null && typeof v === 'object' ? `${indent}${key}:\n${render(v, `${indent}  `)}` : `${indent}${key}: ${v}`,
      )
      .join('\n');
  }
  return `${indent}${String(value)}`;
}

function isFlatRecord(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => v === null || typeof v !== 'object')
  );
}

/** Rows of flat records as aligned columns, one header line. */
function table(rows: Record<string, unknown>[], indent: string): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = [
    columns,
    ...rows.map((row) => columns.map((c) => (row[c] === undefined || row[c] === null ? '' : String(row[c])))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells
    .map((line) => indent + line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {}
