// A TypeScript entry of this project bundled once (esbuild) and reused while none of its sources changed: the
// bundle and the list of its source files with their sizes and modification
// times, under node_modules/.cache/webhooks-bundles/. The `webhooks` bin starts from one (bin/webhooks.js), and so does
// each function of the local stack (local/function-thread.ts): plain JavaScript, with no TypeScript loader compiling
// every module on each start.
// Several processes starting at once may each rebuild; each writes its own temporary files and renames them into place.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'webhooks-bundles');

/**
 * How a function is bundled for Lambda, as serverless.yml's `custom.esbuild` says (test/unit/bundle-cache.test.ts
 * holds the two together): its packages in the bundle, the credentials from the environment alone.
 */
export const LAMBDA_BUNDLING = {
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': './lib/aws/lambda-credentials.ts' },
};

/**
 * How the `webhooks` bin is bundled: its packages inside too (a start takes 0.36 s instead of 0.5), except esbuild (a
 * native binary the console runs) and tsx; `require` for the CommonJS packages that call it, and the SDK's whole
 * credential chain (profiles, SSO), as an operator's shell needs.
 */
const CLI_BUNDLING = {
  mainFields: ['module', 'main'],
  external: ['esbuild', 'tsx'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

/**
 * The file URL of an up-to-date bundle of the module at `entryUrl` (a file URL), built first if missing or stale.
 * Its packages are bundled too: as for the CLI (CLI_BUNDLING), or with `lambda` as for Lambda (LAMBDA_BUNDLING). A
 * process or thread loads one file in a fraction of the time the packages' many files take.
 */
export async function cachedBundle(entryUrl, { lambda = false } = {}) {
  const entry = fileURLToPath(entryUrl);
  const name = `${relative(ROOT, entry)
    .replaceAll(/[\\/]/g, '__')
    .replace(/\.[cm]?ts$/, '')}${lambda ? '.lambda' : ''}`;
  const bundle = join(CACHE, `${name}.mjs`);
  const sources = join(CACHE, `${name}.sources.json`);
  if (!upToDate(bundle, sources)) await rebuild(entry, bundle, sources, lambda);
  return pathToFileURL(bundle).href;
}

function upToDate(bundle, sources) {
  try {
    const inputs = JSON.parse(readFileSync(sources, 'utf8'));
    statSync(bundle);
    return (
      inputs.length > 0 &&
      inputs.every(([path, size, mtimeMs]) => {
        const stat = statSync(path);
        return stat.size === size && stat.mtimeMs === mtimeMs;
      })
    );
  } catch {
    return false;
  }
}

async function rebuild(entry, bundle, sources, lambda) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    ...(lambda ? LAMBDA_BUNDLING : CLI_BUNDLING),
    // No source map, as deployed (serverless.yml): loading one costs a stack 0.4 s of CPU. Not minified either, so a
    // stack trace's lines read as code, under a comment naming each source file.
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [sourceFileUrls],
  });
  // The project's own sources; the packages' stand npm's record of what it installed, which every install rewrites.
  const inputs = [
    ...Object.keys(result.metafile.inputs)
      .filter((input) => !input.startsWith('node_modules/'))
      .map((input) => join(ROOT, input)),
    join(ROOT, 'node_modules', '.package-lock.json'),
    // And this file: new bundling settings make new bundles.
    fileURLToPath(import.meta.url),
  ].map((path) => {
    const stat = statSync(path);
    return [path, stat.size, stat.mtimeMs];
  });
  mkdirSync(CACHE, { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  const written = [...result.outputFiles.map((file) => [file.path, file.contents]), [sources, JSON.stringify(inputs)]];
  for (const [path, contents] of written) writeFileSync(path + suffix, contents);
  // The list of sources last: a bundle is taken as up to date only once its own list is in place.
  for (const [path] of written) renameSync(path + suffix, path);
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
