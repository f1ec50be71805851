/**
 * Where `npm run bench` keeps what it measured: one file per run under bench/results/, which git ignores (figures
 * are generated and machine-specific; the README's table is written from them only by `npm run bench:readme`).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../local/project-root';
import type { Metrics } from './metrics';

const RESULTS_DIR = join(PROJECT_ROOT, 'bench', 'results');

export interface BenchResults {
  measured_at: string;
  machine: { cpus: number; cpu_model: string; node: string; load_average_at_start_of_each_bench: string[] };
  seconds: number;
  /** The benches this run was asked for. */
  benches: string[];
  /** Every bench ran, and none failed: a run the README's table may show. */
  complete: boolean;
  failed_benches: string[];
  metrics: Metrics;
}

/** Writes one run's results as `bench/results/<measured_at>.json` (names sort by time) and returns its path from the project. */
export function writeResults(results: BenchResults): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${results.measured_at.replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return relative(PROJECT_ROOT, file);
}

/** The newest complete run's results and their file, or undefined when no complete run was kept. */
export function latestCompleteResults(): { file: string; results: BenchResults } | undefined {
  let names: string[];
  try {
    names = readdirSync(RESULTS_DIR)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const results = readResults(join(RESULTS_DIR, name));
    if (results.complete) return { file: relative(PROJECT_ROOT, join(RESULTS_DIR, name)), results };
  }
  return undefined;
}

export const readResults = (file: string): BenchResults => JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
