import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './metrics';

/**
 * What a bundle's module scope needs to load (config read, SDK clients created): nothing is ever sent there. The SDK's
 * warning about this Node's version is off, as on the Lambda runtime serverless.yml deploys to, where it never fires.
 */
const LOAD_ENV = {
  QUEUE_URL: 'http://127.0.0.1:9/q',
  TABLE_NAME: 't',
  DLQ_URL: 'http://127.0.0.1:9/d',
  RECORDINGS_BUCKET: 'b',
  // The worker creates its EventBridge client only for a bus: measured with one, as deployed.
  EVENT_BUS_NAME: 'bus',
  DESTINATIONS_SECRET_PREFIX: '/s/d/destinations/',
  AWS_REGION: 'us-east-1',
  NODE_NO_WARNINGS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface ColdLoad {
  name: string;
  /** Wall time of each run, in ms, in run order. */
  ms: number[];
  /** Each run's time over the bare `node -e 0` of the same run. */
  ratios: number[];
  medianRatio: number;
}

function timeOnce(args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ...LOAD_ENV }, cwd });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Cold load of each bundle: a fresh `node` importing it (its module scope runs), against a bare `node -e 0`.
 * Interleaved, so drift in the machine's load hits every candidate alike; each run's ratio is taken against the
 * bare node of that same run, and the median of those ratios is the figure. `bundles` maps a name to a `.mjs` file
 * in `dir`; the first element returned is the bare node itself.
 */
export function measureColdLoads(dir: string, bundles: { name: string; file: string }[], runs: number): ColdLoad[] {
  const candidates = [{ name: 'node -e 0', args: ['-e', '0'] }];
  for (const { name, file } of bundles) {
    const loader = join(dir, `load-${name}.mjs`);
    writeFileSync(loader, `await import(${JSON.stringify(file)});`);
    candidates.push({ name, args: [loader] });
  }
  for (const c of candidates) timeOnce(c.args, dir); // warm the file cache, and fail fast on a bundle that throws
  const times = candidates.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) {
    for (const [i, c] of candidates.entries()) times[i]!.push(timeOnce(c.args, dir));
  }
  const bare = times[0]!;
  return candidates.map(({ name }, i) => {
    const ratios = times[i]!.map((t, run) => t / bare[run]!);
    return { name, ms: times[i]!, ratios, medianRatio: median(ratios) };
  });
}
