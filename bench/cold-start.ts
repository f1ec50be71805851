/**
 * Bundle size and cold load of each function, built with the esbuild options serverless.yml deploys with.
 * Cold load = a fresh `node` importing the bundle (module scope runs: config read, SDK clients created), as a ratio
 * to a bare `node -e 0` measured in the same interleaved runs. `npm run bench:cold` (RUNS=40 by default)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles } from './lib/bundles';
import { emitMetrics, median, round, type Metrics } from './lib/metrics';

const RUNS = Number(process.env.RUNS ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'cold-start-'));
const env = { ...process.env, QUEUE_URL: 'http://127.0.0.1:9/q', TABLE_NAME: 't', DLQ_URL: 'http://127.0.0.1:9/d', AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' };

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, cwd: dir });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const bundles = await buildBundles(dir);
const candidates = [{ name: 'node -e 0', args: ['-e', '0'] }];
for (const bundle of bundles) {
  writeFileSync(join(dir, `load-${bundle.fn}.mjs`), `await import('./${bundle.fn}.mjs');`);
  candidates.push({ name: bundle.fn, args: [join(dir, `load-${bundle.fn}.mjs`)] });
}
// Interleaved, so drift in the machine's load hits every candidate alike. Each run's ratio is taken against the
// bare node of that same run, and the median of those ratios is reported.
candidates.forEach((c) => timeOnce(c.args)); // warm the file cache
const times = candidates.map(() => [] as number[]);
for (let run = 0; run < RUNS; run++) candidates.forEach((c, i) => times[i]!.push(timeOnce(c.args)));
const bare = times[0]!;
console.log(`node -e 0: ${median(bare).toFixed(1)} ms median (${RUNS} interleaved runs)`);

const metrics: Metrics = {};
bundles.forEach((bundle, i) => {
  const ratios = times[i + 1]!.map((t, run) => t / bare[run]!);
  const packages = Object.fromEntries(Object.entries(bundle.packages).sort((a, b) => b[1] - a[1]).map(([name, bytes]) => [name, round(bytes / 1024, 1)]));
  console.log(
    `${bundle.fn.padEnd(8)} ${(bundle.bytes / 1024).toFixed(1)} KB minified (${(bundle.gzipBytes / 1024).toFixed(1)} KB gzip), cold load ` +
      `${median(ratios).toFixed(3)}x node -e 0 (median of ${RUNS} per-run ratios; ${median(times[i + 1]!).toFixed(1)} ms)`,
  );
  console.log(`         inside: ${Object.entries(packages).map(([name, kb]) => `${name} ${kb} KB`).join(', ')}`);
  const budgets: Record<string, string> = { ingest: '<= 200', worker: '<= 320' };
  metrics[`${bundle.fn}_bundle_kb`] = { value: round(bundle.bytes / 1024, 1), unit: 'KB', budget: budgets[bundle.fn] ?? '', note: 'minified ESM, serverless.yml esbuild options', packages };
  if (bundle.fn === 'ingest') {
    metrics.ingest_bundle_gzip_kb = { value: round(bundle.gzipBytes / 1024, 1), unit: 'KB', budget: '<= 70', note: 'the same bundle, gzip' };
    metrics.ingest_cold_load_ratio = { value: round(median(ratios), 3), unit: 'x node -e 0', budget: '<= 1.5', note: `median of ${RUNS} interleaved runs` };
  } else {
    metrics[`${bundle.fn}_cold_load_ratio`] = { value: round(median(ratios), 3), unit: 'x node -e 0', budget: '', note: `median of ${RUNS} interleaved runs` };
  }
});
rmSync(dir, { recursive: true, force: true });
emitMetrics(metrics);
