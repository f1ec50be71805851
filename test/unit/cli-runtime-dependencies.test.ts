import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../local/project-root';

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The packages a module graph loads at run time (type-only imports are erased), by package name. */
async function runtimePackages(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtinModules.includes(imported.path)) continue;
      packages.add(
        imported.path.startsWith('@') ? imported.path.split('/').slice(0, 2).join('/') : imported.path.split('/')[0]!,
      );
    }
  }
  return packages;
}

// The CLI must work after `npm ci --omit=dev` (.ci/run also runs it that way): everything it loads is a dependency.
describe('the webhooks CLI runs on the runtime dependencies alone', () => {
  it('imports only packages listed in dependencies (bin through tsx, then cli/main.ts and all it imports)', async () => {
    const binSource = readFileSync(join(PROJECT_ROOT, manifest.bin.webhooks!), 'utf8');
    assert.match(binSource, /import\('tsx\/esm\/api'\)/);
    const used = new Set(['tsx', ...(await runtimePackages('cli/main.ts'))]);
    assert.ok(
      used.has('@aws-sdk/client-cloudformation') && used.has('yaml'),
      `the graph was read: ${[...used].join(', ')}`,
    );
    const missing = [...used].filter((name) => manifest.dependencies[name] === undefined);
    assert.deepEqual(missing, [], 'packages the CLI loads at run time but that are not dependencies');
  });

  it('declares every package the code imports, types included', () => {
    const files = ['lib', 'functions', 'cli', 'local', 'bench', 'test'].flatMap((dir) =>
      (readdirSync(join(PROJECT_ROOT, dir), { recursive: true }) as string[])
        .filter((file) => /\.(ts|mjs)$/.test(file))
        .map((file) => join(PROJECT_ROOT, dir, file)),
    );
    const undeclared = new Set<string>();
    for (const file of files) {
      for (const [, fromPath, dynamicPath] of readFileSync(file, 'utf8').matchAll(
        /^\s*(?:import|export)\b[^'";]*?from\s+'([^'.][^']*)'|\bimport\(\s*'([^'.][^']*)'\)/gm,
      )) {
        const path = fromPath ?? dynamicPath;
        if (path!.startsWith('node:') || builtinModules.includes(path!)) continue;
        const name = path!.startsWith('@') ? path!.split('/').slice(0, 2).join('/') : path!.split('/')[0]!;
        const declared = (n: string) => manifest.dependencies[n] ?? manifest.devDependencies[n];
        if (!declared(name) && !declared(`@types/${name}`))
          undeclared.add(`${name} (${file.slice(PROJECT_ROOT.length + 1)})`);
      }
    }
    assert.ok(files.length > 100, `read the sources (${files.length} files)`);
    assert.deepEqual([...undeclared], [], 'imported but not declared in package.json');
  });
});
