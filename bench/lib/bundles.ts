import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../local/project-root';

export interface Bundle {
  fn: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Minified bytes per npm package inside (`(project)` for our own code). */
  packages: Record<string, number>;
}

// serverless-esbuild's own settings: they steer packaging, not esbuild.
const PLUGIN_ONLY = new Set([
  'exclude',
  'outputFileExtension',
  'packager',
  'packagerOptions',
  'watch',
  'keepOutputDirectory',
  'nativeZip',
  'installExtraArgs',
  'concurrency',
  'zipConcurrency',
  'outputWorkFolder',
  'outputBuildFolder',
  'disableIncremental',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
]);

/** serverless.yml's `custom.esbuild` as esbuild options: whatever the deploy uses, the bench uses. */
function deployEsbuildOptions(): BuildOptions {
  const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: Record<string, unknown> };
  };
  return Object.fromEntries(
    Object.entries(config.custom.esbuild).filter(([name]) => !PLUGIN_ONLY.has(name)),
  ) as BuildOptions;
}

function functionHandlers(): Record<string, string> {
  const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
    functions: Record<string, { handler: string }>;
  };
  return Object.fromEntries(
    Object.entries(config.functions).map(([fn, { handler }]) => [fn, handler.slice(0, handler.lastIndexOf('.'))]),
  );
}

/** Builds every function of serverless.yml into `dir` (`<fn>.mjs`) and says what is inside. */
export async function buildBundles(dir: string): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const [fn, module] of Object.entries(functionHandlers()))
    bundles.push(await buildBundle(fn, `./${module}.ts`, join(dir, `${fn}.mjs`)));
  return bundles;
}

/** Builds one entry (a path relative to the project, or absolute) as the deploy would, into `file`. */
async function buildBundle(fn: string, entry: string, file: string): Promise<Bundle> {
  const result = await build({
    ...deployEsbuildOptions(),
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.values(result.metafile!.outputs)[0]!;
  const packages: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(project)';
    packages[name] = (packages[name] ?? 0) + bytesInOutput;
  }
  const code = readFileSync(file);
  return { fn, file, bytes: code.length, gzipBytes: gzipSync(code).length, packages };
}
