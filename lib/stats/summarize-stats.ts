import { addCost, type CostByUnit } from './cost';
import type { StatsKind } from './stats-kind';

/** The projected attributes of one record in the stats index (serverless.yml: gsi1 NonKeyAttributes), and its price. */
export interface StatsRecord {
  /** The index's sort key (gsi1sk): when the record was first seen, ISO 8601. */
  first_seen_at?: unknown;
  state?: unknown;
  status?: unknown;
  duration_seconds?: unknown;
  direction?: unknown;
  ended_at?: unknown;
  /** Calls and messages: what SignalWire charged (positive), once it priced them (from the base item, not the index). */
  price?: unknown;
  price_unit?: unknown;
}

/** How many records were priced, and their total per unit (never two units added together). */
interface CostTotals {
  priced: number;
  cost: CostByUnit;
}

/** One UTC day (of first-seen time): calls and messages first seen that day, how many are priced, their cost. */
interface CostDay {
  day: string;
  calls: CostTotals & { total: number };
  messages: CostTotals & { total: number };
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
  } & CostTotals;
  messages: { total: number; by_status: Record<string, number> } & CostTotals;
  rooms: { total: number; by_state: { active: number; ended: number } };
  swml_fetches: { total: number; by_direction: Record<string, number> };
  /** Days with a call or message first seen in the window, oldest first. */
  cost_by_day: CostDay[];
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
      ...costOf(records.call),
    },
    messages: {
      total: records.message.length,
      by_status: countBy(records.message, (r) => r.status),
      ...costOf(records.message),
    },
    rooms: { total: records.room.length, by_state: { active: records.room.length - ended, ended } },
    swml_fetches: { total: records.swml.length, by_direction: countBy(records.swml, (r) => r.direction) },
    cost_by_day: costByDay(records.call, records.message),
  };
}

function costOf(records: StatsRecord[], totals: CostTotals = { priced: 0, cost: {} }): CostTotals {
  for (const record of records) if (addCost(totals.cost, record.price, record.price_unit)) totals.priced += 1;
  return totals;
}

/** Per UTC day of first-seen time: a call first seen at 23:59 and priced the next morning counts on its first day. */
function costByDay(calls: StatsRecord[], messages: StatsRecord[]): CostDay[] {
  const days = new Map<string, CostDay>();
  const dayOf = (record: StatsRecord) => {
    const day = typeof record.first_seen_at === 'string' ? record.first_seen_at.slice(0, 10) : 'unknown';
    let entry = days.get(day);
    if (entry === undefined) {
      entry = { day, calls: { total: 0, priced: 0, cost: {} }, messages: { total: 0, priced: 0, cost: {} } };
      days.set(day, entry);
    }
    return entry;
  };
  for (const [kind, records] of [
    ['calls', calls],
    ['messages', messages],
  ] as const)
    for (const record of records) {
      const totals = dayOf(record)[kind];
      totals.total += 1;
      costOf([record], totals);
    }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
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
