import { queryStatsRecords } from '../../lib/store/stats-store';
import { formatCost } from '../../lib/stats/cost';
import { type StatsSummary, type StatsWindow, statsWindow, summarizeStats } from '../../lib/stats/summarize-stats';
import { CliError } from '../output';
import type { Target } from '../target';

export async function showStats(target: Target, options: { since?: string; hours?: string }) {
  let window: StatsWindow;
  try {
    window = statsWindow(options);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return summarizeStats(await queryStatsRecords(target.table, window), window);
}

/**
 * `stats` without --json: costs as `0.013 USD` (each unit on its own) and one table row per day of calls and
 * messages first seen, with how many SignalWire has priced so far.
 */
export function readableStats(summary: StatsSummary) {
  const { cost_by_day, ...rest } = summary;
  return {
    ...rest,
    calls: { ...summary.calls, cost: formatCost(summary.calls.cost) || '–' },
    messages: { ...summary.messages, cost: formatCost(summary.messages.cost) || '–' },
    'cost per day (first seen, UTC)': cost_by_day.map((d) => ({
      day: d.day,
      calls: d.calls.total,
      'calls priced': d.calls.priced,
      'call cost': formatCost(d.calls.cost),
      messages: d.messages.total,
      'messages priced': d.messages.priced,
      'message cost': formatCost(d.messages.cost),
    })),
  };
}
