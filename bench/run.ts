/**
 * `npm run bench`: every benchmark in turn (each in a fresh process), one table, the figures kept under bench/results/
 * (ignored by git: bench/lib/results.ts), and a non-zero exit when a figure is over its budget or a bench failed.
 * `npm run bench -- ingest-cpu ack-latency` runs only those. The README's table is `npm run bench:readme`'s alone.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/project-root';
import { withinBudget, type Metrics } from './lib/metrics';
import { writeResults } from './lib/results';

const BENCHES = ['cold-start', 'ingest-cpu', 'unauthenticated-cpu', 'ack-latency', 'dynamodb-requests', 'throughput'];
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : BENCHES;
for (const name of selected)
  if (!BENCHES.includes(name)) throw new Error(`unknown bench ${name}; known: ${BENCHES.join(', ')}`);

async function runBench(name: string): Promise<Metrics> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', `${name}.ts`)], {
    // Quiet: the SDK warns about this Node version (the functions deploy to a newer one) in every process and thread.
    env: { ...process.env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let metrics: Metrics = {};
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('METRICS ')) metrics = JSON.parse(line.slice('METRICS '.length)) as Metrics;
      else console.log(`  ${line}`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench ${name} failed (exit ${code})`);
  return metrics;
}

const started = Date.now();
const metrics: Metrics = {};
const loads: string[] = [];
const failed: string[] = [];
for (const name of selected) {
  console.log(`\n${name} (load average ${loadavg()[0]!.toFixed(2)})`);
  loads.push(`${name} ${loadavg()[0]!.toFixed(2)}`);
  try {
    Object.assign(metrics, await runBench(name));
  } catch (error) {
    console.error(String(error));
    failed.push(name);
  }
}

const rows = Object.entries(metrics).map(([name, m]) => {
  const verdict = withinBudget(m);
  return [
    name,
    `${m.value} ${m.unit}`,
    m.budget || '-',
    verdict === undefined ? '' : verdict ? 'ok' : 'OVER',
    m.note ?? '',
  ];
});
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 6));
console.log(`\n${['metric', 'value', 'budget', ''].map((h, i) => h.padEnd(widths[i]!)).join('  ')}  note`);
for (const row of rows)
  console.log(
    `${row
      .slice(0, 4)
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')}  ${row[4]}`,
  );

const over = Object.entries(metrics).filter(([, m]) => withinBudget(m) === false);
const machine = {
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  load_average_at_start_of_each_bench: loads,
};
const complete = failed.length === 0 && BENCHES.every((name) => selected.includes(name));
const seconds = Math.round((Date.now() - started) / 1000);
const file = writeResults({
  measured_at: new Date().toISOString(),
  machine,
  seconds,
  benches: selected,
  complete,
  failed_benches: failed,
  metrics,
});
const verdict =
  over.length === 0 && failed.length === 0
    ? 'every budget holds'
    : [
        over.length > 0 && `OVER BUDGET: ${over.map(([name]) => name).join(', ')}`,
        failed.length > 0 && `FAILED: ${failed.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; ');
console.log(`\nwrote ${file} in ${seconds} s; ${verdict}`);
process.exitCode = over.length === 0 && failed.length === 0 ? 0 : 1;
