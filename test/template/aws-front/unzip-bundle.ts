import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from '../unzip';

const run = promisify(execFile);

/**
 * Extracts a deployment package into `dir` as Lambda does before the first invocation: with `unzip` when the
 * machine has it, else with the test's own reader (test/template/unzip.ts); a name escaping `dir` is refused.
 */
export async function unzipBundle(zipFile: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const hasUnzip = await run('unzip', ['-v']).then(
    () => true,
    () => false,
  );
  if (hasUnzip) return void (await run('unzip', ['-q', '-o', zipFile, '-d', dir]));
  for (const [name, data] of unzipSync(readFileSync(zipFile))) {
    const target = resolve(dir, name);
    if (!target.startsWith(resolve(dir) + sep)) throw new Error(`zip: entry ${name} escapes the directory`);
    if (name.endsWith('/')) mkdirSync(target, { recursive: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
  }
}
