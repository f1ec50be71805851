import { queryStatsRecords } from '../../lib/store/stats-store';
import { type StatsWindow, statsWindow, summarizeStats } from '../../lib/stats/summarize-stats';
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
