/** `--json` prints exactly the JSON value (for scripts and acceptance checks); otherwise a readable rendering. */
export function print(value: unknown, json: boolean): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : render(value, '') + '\n');
}

function render(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    return value.map((item) => `${indent}-\n${render(item, indent + '  ')}`).join('\n');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, v]) => (v !== null && typeof v === 'object' ? `${indent}${key}:\n${render(v, indent + '  ')}` : `${indent}${key}: ${v}`))
      .join('\n');
  }
  return `${indent}${String(value)}`;
}

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {}
