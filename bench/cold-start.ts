/**
 * Bundle size and cold load of each function, built with the esbuild options serverless.yml deploys with.
 * Cold load = a fresh `node` importing the bundle (module scope runs: config read, SDK clients created), as a ratio
 * to a bare `node -e 0` measured in the same interleaved runs (bench/lib/cold-load.ts). `npm run bench:cold`
 * (RUNS=40 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles } from './lib/bundles';
import { measureColdLoads } from './lib/cold-load';
import { emitMetrics, median, round, type Metrics } from './lib/metrics';

const RUNS = Number(process.env.RUNS ?? 40);
/** Each function's cold load over a bare node, with the SDK clients it creates at module scope. */
const COLD_LOAD_BUDGETS: Record<string, string> = { ingest: '<= 1.9', swml: '<= 2.0', worker: '<= 2.1' };
/** Only the ingest's size has a budget: it answers SignalWire, so its cold start is on a caller's clock. */
const BUNDLE_KB_BUDGETS: Record<string, string> = { ingest: '<= 320' };

const dir = mkdtempSync(join(tmpdir(), 'cold-start-'));
try {
  const bundles = await buildBundles(dir);
  const [bare, ...loads] = measureColdLoads(
    dir,
    bundles.map((b) => ({ name: b.fn, file: b.file })),
    RUNS,
  );
  console.log(`node -e 0: ${median(bare!.ms).toFixed(1)} ms median (${RUNS} interleaved runs)`);

  const metrics: Metrics = {};
  bundles.forEach((bundle, i) => {
    const load = loads[i]!;
    const packages = Object.fromEntries(
      Object.entries(bundle.packages)
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => [name, round(bytes / 1024, 1)]),
    );
    console.log(
      `${bundle.fn.padEnd(8)} ${(bundle.bytes / 1024).toFixed(1)} KB minified (${(bundle.gzipBytes / 1024).toFixed(1)} KB gzip), cold load ` +
        `${load.medianRatio.toFixed(3)}x node -e 0 (median of ${RUNS} per-run ratios; ${median(load.ms).toFixed(1)} ms)`,
    );
    console.log(
      `         inside: ${Object.entries(packages)
        .map(([name, kb]) => `${name} ${kb} KB`)
        .join(', ')}`,
    );
    metrics[`${bundle.fn}_bundle_kb`] = {
      value: round(bundle.bytes / 1024, 1),
      unit: 'KB',
      budget: BUNDLE_KB_BUDGETS[bundle.fn] ?? '',
      note: `minified ESM, serverless.yml esbuild options; ${round(bundle.gzipBytes / 1024, 1)} KB gzip`,
      packages,
    };
    metrics[`${bundle.fn}_cold_load_ratio`] = {
      value: round(load.medianRatio, 3),
      unit: 'x node -e 0',
      budget: COLD_LOAD_BUDGETS[bundle.fn] ?? '',
      note: `median of ${RUNS} interleaved runs (${round(median(load.ms), 1)} ms vs ${round(median(bare!.ms), 1)} ms)`,
    };
  });
  emitMetrics(metrics);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
