import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ConsoleAssets {
  'app.js': string;
  'app.css': string;
}

const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'client');

/**
 * The console's front end, bundled by esbuild when the console starts (htmx and our few lines) and served from
 * memory: nothing fetched from a CDN, nothing written to disk.
 */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const [bundle, css] = await Promise.all([
    build({
      entryPoints: [join(CLIENT_DIR, 'main.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    }),
    readFile(join(CLIENT_DIR, 'app.css'), 'utf8'),
  ]);
  return { 'app.js': bundle.outputFiles[0]!.text, 'app.css': css };
}
