import { mkdirSync, writeFileSync } from 'node:fs';
import { chaosOptions } from './config';
import { runChaos } from './harness';
import { formatTable } from './table';

/**
 * `npm run chaos`: N signed deliveries through the local stack with faults injected outside the code, then the
 * oracle. Prints a table, writes chaos/results/latest.json (not tracked), exits 1 on any loss, double effect or wrong
 * final state.
 */
const log = (line: string) => console.log(line);
const options = chaosOptions(process.env, log);
log(
  `chaos: ${options.total} deliveries, seed ${options.seed} (CHAOS_SEED=${options.seed} replays the same deliveries and fault rolls)`,
);
const results = await runChaos(options);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify({ ...results, seed: options.seed }, null, 2)}\n`);
console.log(formatTable(results));
for (const problem of results.problems.slice(0, 30)) console.log(`  ${problem.kind}: ${problem.detail}`);
for (const reason of results.recordings.exhausted_reasons) console.log(`  recording dead-lettered: ${reason}`);
console.log(
  results.passed
    ? 'PASS: nothing acknowledged was lost or applied twice'
    : 'FAIL: see the problems above and chaos/results/latest.json',
);
process.exit(results.passed ? 0 : 1);
