/**
 * Bundle size and cold load of each function, built with the esbuild options serverless.yml deploys with.
 * Cold load = a fresh `node` importing the bundle (module scope runs: config read, SDK clients created),
 * compared with a bare `node -e 0`. `npm run bench:cold`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../local/stack';

const RUNS = Number(process.env.RUNS ?? 20);
const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8'));
const esbuildOptions = config.custom.esbuild;
const dir = mkdtempSync(join(tmpdir(), 'cold-start-'));
const env = { ...process.env, QUEUE_URL: 'http://127.0.0.1:9/q', TABLE_NAME: 't', DLQ_URL: 'http://127.0.0.1:9/d', AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' };

function timeRuns(args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, cwd: dir });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;

const bare = median(timeRuns(['-e', '0']));
console.log(`node -e 0: ${bare.toFixed(1)} ms (median of ${RUNS})`);
for (const fn of Object.keys(config.functions)) {
  const [module] = String(config.functions[fn].handler).split('.');
  const outfile = join(dir, `${fn}.mjs`);
  await build({
    entryPoints: [join(PROJECT_ROOT, `${module}.ts`)],
    outfile,
    bundle: true,
    minify: esbuildOptions.minify,
    target: esbuildOptions.target,
    platform: 'node',
    format: 'esm',
    mainFields: esbuildOptions.mainFields,
    banner: esbuildOptions.banner,
    logLevel: 'error',
  });
  const bytes = statSync(outfile).size;
  const gzip = gzipSync(readFileSync(outfile)).length;
  writeFileSync(join(dir, `load-${fn}.mjs`), `await import('./${fn}.mjs');`);
  const load = median(timeRuns([join(dir, `load-${fn}.mjs`)]));
  console.log(`${fn.padEnd(8)} ${(bytes / 1024).toFixed(0)} KB minified (${(gzip / 1024).toFixed(0)} KB gzip), cold load ${load.toFixed(1)} ms = ${(load / bare).toFixed(2)}x node -e 0`);
}
rmSync(dir, { recursive: true, force: true });
