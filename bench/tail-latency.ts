/**
 * How soon `webhooks tail --json` shows a delivery after its 200, on the stack `npm start` runs (its deployed 1 s
 * batching window): `npm start` and `webhooks tail --json` in child processes, N webhooks a few hundred ms apart, and
 * the delay from each 200 to its line. `npm run bench:tail` (N=20 by default)
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/stack';
import { startNpmStart } from './lib/npm-start';

const N = Number(process.env.N ?? 20);
const { child: stackProcess, stack, env, dir } = await startNpmStart('tail');

const tail = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), 'tail', '--json'], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const seenAt = new Map<string, number>();
let buffered = '';
tail.stdout!.on('data', (chunk: Buffer) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop()!;
  for (const line of lines) seenAt.set((JSON.parse(line) as { event_id: string }).event_id, Date.now());
});
await new Promise<void>((resolve) =>
  tail.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('following') && resolve()),
);

const acknowledged = new Map<string, number>();
for (let i = 0; i < N; i++) {
  const response = await fetch(`${stack.url}/call-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ call_id: `bench-tail-${i}`, call_state: 'ringing' }),
  });
  acknowledged.set(((await response.json()) as { event_id: string }).event_id, Date.now());
  await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
}
const deadline = Date.now() + 15_000;
while (seenAt.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

const delays = [...acknowledged]
  .flatMap(([id, at]) => (seenAt.has(id) ? [seenAt.get(id)! - at] : []))
  .sort((a, b) => a - b);
const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
console.log(
  `tail: ${delays.length}/${N} deliveries shown; from 200 to the tail line: p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${delays.at(-1)} ms`,
);
tail.kill('SIGINT');
stackProcess.kill('SIGINT');
await Promise.all(
  [tail, stackProcess].map(
    (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
  ),
);
rmSync(dir, { recursive: true, force: true });
