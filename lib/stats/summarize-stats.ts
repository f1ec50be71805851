import type { StatsKind } from './stats-kind';

/** The projected attributes of one record in the stats index (serverless.yml: gsi1 NonKeyAttributes). */
export interface StatsRecord {
  state?: unknown;
  status?: unknown;
  duration_seconds?: unknown;
  direction?: unknown;
  ended_at?: unknown;
}

export interface StatsWindow {
  since: string;
  until: string;
}

/** `webhooks stats --json`: what was first seen in the window, per kind and state. */
export interface StatsSummary extends StatsWindow {
  counts: Record<StatsKind, number>;
  calls: {
    total: number;
    by_state: Record<string, number>;
    with_duration: number;
    average_duration_seconds: number | null;
  };
  messages: { total: number; by_status: Record<string, number> };
  rooms: { total: number; by_state: { active: number; ended: number } };
  swml_fetches: { total: number; by_direction: Record<string, number> };
}

export function summarizeStats(records: Record<StatsKind, StatsRecord[]>, window: StatsWindow): StatsSummary {
  const durations = records.call.map((r) => r.duration_seconds).filter((d): d is number => typeof d === 'number');
  const ended = records.room.filter((r) => r.ended_at !== undefined && r.ended_at !== null).length;
  return {
    ...window,
    counts: {
      call: records.call.length,
      message: records.message.length,
      room: records.room.length,
      swml: records.swml.length,
    },
    calls: {
      total: records.call.length,
      by_state: countBy(records.call, (r) => r.state),
      with_duration: durations.length,
      average_duration_seconds:
        durations.length === 0 ? null : round(durations.reduce((a, b) => a + b, 0) / durations.length),
    },
    messages: { total: records.message.length, by_status: countBy(records.message, (r) => r.status) },
    rooms: { total: records.room.length, by_state: { active: records.room.length - ended, ended } },
    swml_fetches: { total: records.swml.length, by_direction: countBy(records.swml, (r) => r.direction) },
  };
}

/** The window a command line asks for: `--since ISO`, or `--hours N` back from now (default 24). */
export function statsWindow(options: { since?: string; hours?: string }, now: Date = new Date()): StatsWindow {
  if (options.since !== undefined && options.hours !== undefined)
    throw new RangeError('give --since or --hours, not both');
  let since: number;
  if (options.since !== undefined) {
    since = Date.parse(options.since);
    if (!Number.isFinite(since)) throw new RangeError(`--since is not an ISO 8601 time: ${options.since}`);
  } else {
    const hours = options.hours === undefined ? 24 : Number(options.hours);
    if (!Number.isFinite(hours) || hours <= 0)
      throw new RangeError(`--hours must be a positive number, got ${options.hours}`);
    since = now.getTime() - hours * 3_600_000;
  }
  return { since: new Date(since).toISOString(), until: now.toISOString() };
}

function countBy(records: StatsRecord[], keyOf: (r: StatsRecord) => unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = typeof keyOf(record) === 'string' ? (keyOf(record) as string) : 'unknown';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
