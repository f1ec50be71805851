import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../local/project-root';
import { readSample, resignSample, sampleNames } from './samples';
import { secretListEnv } from '../lib/config/secret-list';

const USAGE = `usage: npm run samples:sign -- [--key KEY] [--base-url URL] [--out DIR] [--only NAME]...

Re-signs every sample of samples/ for your signing key and public URL, as SignalWire would sign them, and writes them
to DIR (default .local/samples). KEY defaults to SIGNALWIRE_SIGNING_KEY (its first key); URL replaces each sample's
base (https://abc123.execute-api.us-east-1.amazonaws.com), the route path and query follow it.`;

/** Writes the re-signed samples and answers the files written. */
export function signSamples(options: { key: string; baseUrl?: string; out: string; only?: string[] }): string[] {
  mkdirSync(options.out, { recursive: true });
  const names = options.only && options.only.length > 0 ? options.only : sampleNames();
  return names.map((name) => {
    const sample = resignSample(readSample(name), options.key, options.baseUrl);
    const file = join(options.out, `${sample.name}.json`);
    writeFileSync(file, `${JSON.stringify(sample, null, 2)}\n`);
    return file;
  });
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      key: { type: 'string' },
      'base-url': { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const key = values.key ?? secretListEnv(process.env, 'SIGNALWIRE_SIGNING_KEY')[0];
  if (values.help || !key) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/.test(baseUrl))
    throw new Error(`--base-url must be an http(s) URL, got ${baseUrl}`);
  const out = resolve(values.out ?? join(PROJECT_ROOT, '.local', 'samples'));
  const files = signSamples({ key, baseUrl, out, only: values.only });
  console.log(`signed ${files.length} samples into ${out}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`samples:sign: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
