/**
 * Rewrites the README's performance table (between the `bench:table` markers) from bench/results.json, so the
 * figures a reader sees are the ones `npm run bench` wrote. `npm run bench:readme`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/project-root';
import { withinBudget, type Metrics } from './lib/metrics';

const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';

const results = JSON.parse(readFileSync(join(PROJECT_ROOT, 'bench', 'results.json'), 'utf8')) as {
  measured_at: string;
  machine: { cpus: number; cpu_model: string; node: string; load_average_at_start_of_each_bench: string[] };
  metrics: Metrics;
};
const rows = Object.entries(results.metrics).map(([name, m]) => {
  const verdict = withinBudget(m);
  const packages = m.packages ? `; inside: ${Object.entries(m.packages).map(([p, kb]) => `${p} ${kb}`).join(', ')}` : '';
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

const file = join(PROJECT_ROOT, 'README.md');
const readme = readFileSync(file, 'utf8');
const [before, rest] = [readme.slice(0, readme.indexOf(START)), readme.slice(readme.indexOf(END) + END.length)];
if (!readme.includes(START) || !readme.includes(END)) throw new Error(`README.md has no ${START} … ${END} section`);
writeFileSync(file, before + table + rest);
console.log(`README.md: performance table rewritten from bench/results.json (${rows.length} metrics)`);
