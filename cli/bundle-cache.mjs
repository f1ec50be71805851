// The CLI's sources bundled once (esbuild, packages left external) and reused while none of them changed: the
// bundle and the list of its source files with their sizes and modification times, under node_modules/.cache/.
// Several CLIs starting at once may each rebuild; each writes its own temporary file and renames it into place.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'webhooks-cli');
const BUNDLE = join(CACHE, 'cli.mjs');
const SOURCES = join(CACHE, 'sources.json');

/** The file URL of an up-to-date bundle of cli/main.ts, built first if missing or stale. */
export async function cachedCliBundle() {
  if (!upToDate()) await rebuild();
  return pathToFileURL(BUNDLE).href;
}

function upToDate() {
  try {
    const sources = JSON.parse(readFileSync(SOURCES, 'utf8'));
    statSync(BUNDLE);
    return (
      sources.length > 0 &&
      sources.every(([path, size, mtimeMs]) => {
        const stat = statSync(path);
        return stat.size === size && stat.mtimeMs === mtimeMs;
      })
    );
  } catch {
    return false;
  }
}

async function rebuild() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [sourceFileUrls],
  });
  const sources = Object.keys(result.metafile.inputs).map((input) => {
    const path = join(ROOT, input);
    const stat = statSync(path);
    return [path, stat.size, stat.mtimeMs];
  });
  mkdirSync(CACHE, { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  writeFileSync(BUNDLE + suffix, result.outputFiles[0].contents);
  renameSync(BUNDLE + suffix, BUNDLE);
  writeFileSync(SOURCES + suffix, JSON.stringify(sources));
  renameSync(SOURCES + suffix, SOURCES);
}

// Modules that find files next to themselves (local/project-root.ts, console/assets.ts) keep their own
// `import.meta.url` in the bundle, not the bundle's.
const sourceFileUrls = {
  name: 'source-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return {
        contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};
