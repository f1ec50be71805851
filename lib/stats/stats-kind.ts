/** The kinds of record `webhooks stats` counts, each filed under its own partition of the stats index. */
export type StatsKind = 'call' | 'message' | 'room' | 'swml';

export const STATS_KINDS: readonly StatsKind[] = ['call', 'message', 'room', 'swml'];
