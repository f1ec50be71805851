import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../local/project-root';

// The layering of lib/ and functions/: no module imports itself back through others, and no folder of lib/ imports
// a folder that imports it back. Type-only imports count (as for Biome's noImportCycles here): a type is a dependency
// on the module that declares it, even if it is erased at run time.

type Graph = Map<string, Set<string>>;

// Statements only (a line starting with import/export), so a JSDoc example is not read as an import.
const STATIC_IMPORT = /^(?:import|export)\s[^;'"]*?\sfrom\s*['"](\.[^'"]*)['"]/gm;
const SIDE_EFFECT_IMPORT = /^import\s*['"](\.[^'"]*)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g;

/** Every .ts file under the folders, as a path from the repository root with `/` separators. */
function sourceFiles(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    (readdirSync(join(PROJECT_ROOT, folder), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => posix.join(folder, file.split('\\').join('/')))
      .sort(),
  );
}

/** A relative specifier as the bundler resolves it (extensionless: `x.ts`, then `x/index.ts`); undefined if none. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = posix.join(posix.dirname(from), specifier);
  return [`${base}.ts`, `${base}/index.ts`, base].find((file) => {
    const path = join(PROJECT_ROOT, file);
    return existsSync(path) && statSync(path).isFile();
  });
}

/** Each file's relative imports, resolved to files; `unresolved` lists what could not be (`file: specifier`). */
function importGraph(files: string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    const targets = new Set<string>();
    for (const pattern of [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT]) {
      for (const [, specifier] of text.matchAll(pattern)) {
        const target = resolveImport(file, specifier!);
        if (target === undefined) unresolved.push(`${file}: ${specifier}`);
        else targets.add(target);
      }
    }
    graph.set(file, targets);
  }
  return { graph, unresolved };
}

/** One cycle of the graph as the path that closes it (`[a, b, a]`), or undefined when there is none. */
function findCycle(graph: Graph): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at !== -1) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** lib/<folder> for a file in a folder of lib/; a file directly in lib/ (or in functions/) is its own unit. */
function unitOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'lib' && parts.length > 2 ? `lib/${parts[1]}` : file;
}

/** The graph between units, each edge with one import that makes it (`file -> imported file`), to explain a cycle. */
function unitGraph(graph: Graph): { units: Graph; because: Map<string, string> } {
  const units: Graph = new Map();
  const because = new Map<string, string>();
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const [from, to] = [unitOf(file), unitOf(target)];
      if (from === to) continue;
      if (!units.has(from)) units.set(from, new Set());
      units.get(from)!.add(to);
      if (!because.has(`${from} ${to}`)) because.set(`${from} ${to}`, `${file} -> ${target}`);
    }
  }
  return { units, because };
}

describe('import graph of lib/ and functions/ (relative imports, type-only ones included)', () => {
  const { graph, unresolved } = importGraph(sourceFiles('lib', 'functions'));

  it('resolves every relative import to a file', () => {
    assert.deepEqual(unresolved, []);
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.size, 0);
    assert.ok(edges > graph.size, `the imports were read: ${edges} between ${graph.size} files`);
  });

  it('finds a cycle when there is one (the check below is not vacuous)', () => {
    const planted: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['b'])],
    ]);
    assert.deepEqual(findCycle(planted), ['b', 'c', 'b']);
    assert.equal(findCycle(new Map([['a', new Set(['b'])]])), undefined);
  });

  it('has no cycle between files', () => {
    const cycle = findCycle(graph);
    assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' -> ')}`);
  });

  it('has no cycle between the folders of lib/ (a file directly in lib/ counts as one of its own)', () => {
    const { units, because } = unitGraph(graph);
    const cycle = findCycle(units);
    const steps = cycle?.slice(1).map((to, i) => `  ${cycle[i]} -> ${to} (${because.get(`${cycle[i]} ${to}`)})`);
    assert.equal(cycle, undefined, `folder cycle:\n${steps?.join('\n')}`);
  });
});
