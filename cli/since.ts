import { CliError } from './output';

/** `--since ISO` as an ISO instant (default: 24 hours ago); anything Date cannot read is refused. */
export function sinceOption(since: string | undefined, now = Date.now()): string {
  if (since === undefined) return new Date(now - 86_400_000).toISOString();
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new CliError(`--since must be an ISO date or time, got ${JSON.stringify(since)}`);
  return new Date(ms).toISOString();
}
