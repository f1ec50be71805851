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

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, cwd: dir });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const candidates: { name: string; args: string[]; bytes?: number; gzip?: number }[] = [{ name: 'node -e 0', args: ['-e', '0'] }];
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
    alias: Object.fromEntries(Object.entries<string>(esbuildOptions.alias ?? {}).map(([name, path]) => [name, join(PROJECT_ROOT, path)])),
    logLevel: 'error',
  });
  writeFileSync(join(dir, `load-${fn}.mjs`), `await import('./${fn}.mjs');`);
  candidates.push({ name: fn, args: [join(dir, `load-${fn}.mjs`)], bytes: statSync(outfile).size, gzip: gzipSync(readFileSync(outfile)).length });
}
// Interleaved, so drift in the machine's load hits every candidate alike; min and median of RUNS each.
const times = candidates.map(() => [] as number[]);
for (let run = 0; run < RUNS; run++) candidates.forEach((c, i) => times[i]!.push(timeOnce(c.args)));
const [bareMin, bareMedian] = [Math.min(...times[0]!), median(times[0]!)];
console.log(`node -e 0: ${bareMin.toFixed(1)} ms min, ${bareMedian.toFixed(1)} ms median (${RUNS} interleaved runs)`);
candidates.slice(1).forEach((c, i) => {
  const t = times[i + 1]!;
  console.log(
    `${c.name.padEnd(8)} ${(c.bytes! / 1024).toFixed(0)} KB minified (${(c.gzip! / 1024).toFixed(0)} KB gzip), cold load ` +
      `${(Math.min(...t) / bareMin).toFixed(2)}x (min) / ${(median(t) / bareMedian).toFixed(2)}x (median) node -e 0`,
  );
});
rmSync(dir, { recursive: true, force: true });
