/**
 * Rewrites the performance table of docs/performance.md (between the `bench:table` markers) from the newest complete
 * run kept under bench/results/ (or the results file given), so the figures a reader sees are ones `npm run bench`
 * measured. Only this script writes that table, and only when run on purpose: `npm run bench:readme [-- FILE] [--print]`
 * (`--print` shows the table and writes nothing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../local/project-root';
import { withinBudget } from './lib/metrics';
import { latestCompleteResults, readResults } from './lib/results';

const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';

const args = process.argv.slice(2);
const printOnly = args.includes('--print');
const given = args.find((arg) => arg !== '--print');
const latest = given === undefined ? latestCompleteResults() : { file: given, results: readResults(resolve(given)) };
if (latest === undefined) {
  console.error(
    'no complete run under bench/results/: run `npm run bench` first (every bench, none failed), or name a results file',
  );
  process.exit(1);
}
const { file: source, results } = latest;

const rows = Object.entries(results.metrics).map(([name, m]) => {
  const verdict = withinBudget(m);
  const packages = m.packages
    ? `; inside: ${Object.entries(m.packages)
        .map(([p, kb]) => `${p} ${kb}`)
        .join(', ')}`
    : '';
  return `| \`${name}\` | ${m.value} ${m.unit} | ${m.budget ? `${m.budget.replace('<=', '≤').replace('>=', '≥')}${verdict ? '' : ' **over**'}` : ''} | ${(m.note ?? '') + packages} |`;
});
const table = [
  START,
  `Measured ${results.measured_at.slice(0, 16).replace('T', ' ')} UTC on ${results.machine.cpus} × ${results.machine.cpu_model}, Node ${results.machine.node}`,
  `(load average when each bench started: ${results.machine.load_average_at_start_of_each_bench.join(', ')}).`,
  '',
  '| metric | value | budget | what |',
  '| --- | --- | --- | --- |',
  ...rows,
  END,
].join('\n');

if (printOnly) {
  console.log(table);
} else {
  const file = join(PROJECT_ROOT, 'docs', 'performance.md');
  const page = readFileSync(file, 'utf8');
  if (!page.includes(START) || !page.includes(END))
    throw new Error(`docs/performance.md has no ${START} … ${END} section`);
  writeFileSync(file, page.slice(0, page.indexOf(START)) + table + page.slice(page.indexOf(END) + END.length));
  console.log(`docs/performance.md: performance table rewritten from ${source} (${rows.length} metrics)`);
}
