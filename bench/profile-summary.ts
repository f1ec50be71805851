/**
 * Summarises V8 .cpuprofile files (`node --cpu-prof`): per profile, the busy time and the biggest self-time costs,
 * grouped by package (or project folder) and by function. `npx tsx bench/profile-summary.ts DIR [TOP]`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [dir = '.', topArg = '12'] = process.argv.slice(2);
const TOP = Number(topArg);

/** Where a frame's code lives: an npm package, a project folder, node's own modules, or V8's pseudo-frames. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const project = /\/(lib\/[^/]+|local|functions|bench|cli)\//.exec(url);
  return project ? project[1]! : url.replace(/^.*\//, '');
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + t);
    const key = `${functionName || '(anonymous)'} ${owner}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s`);
  console.log('  by package / folder:');
  for (const [name, t] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`    ${pct(t)}  ${name}`);
  console.log('  by function (self time):');
  for (const [name, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`    ${pct(t)}  ${name}`);
}

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort())
  summarise(join(dir, file));
