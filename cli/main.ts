import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../local/project-root';
import { CliError, print } from './output';
import { COMMANDS, type CommandSpec, type Options } from './registry';
import { resolveTarget } from './target';

const OPTION_TYPES = {
  json: { type: 'boolean' },
  stage: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  id: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  hours: { type: 'string' },
  kind: { type: 'string' },
  fixture: { type: 'string' },
  body: { type: 'string' },
  file: { type: 'string' },
  sign: { type: 'boolean' },
  unsigned: { type: 'boolean' },
  url: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  yes: { type: 'boolean' },
  port: { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
  expires: { type: 'string' },
  queue: { type: 'string' },
  forward: { type: 'string' },
  types: { type: 'string' },
  secret: { type: 'string' },
} as const;

/** Options every command takes: help, and where the stack is. */
const GLOBAL_OPTIONS = new Set(['help', 'version', 'stage', 'region', 'profile']);

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return [
    'usage: webhooks <command> [options] [--json] [--stage NAME [--region R] [--profile P]]',
    '',
    ...lines,
    '',
    'By default commands talk to the local stack `npm start` runs; --stage NAME talks to a deployed stage with your',
    'AWS credentials (--profile P picks a profile). `webhooks <command> --help` describes one command.',
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  const json = spec.options.includes('json') ? ' [--json]' : '';
  return `usage: webhooks ${spec.usage}${json} [--stage NAME [--region R] [--profile P]]\n\n  ${spec.summary}`;
}

function version(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: OPTION_TYPES,
  });
  if (values.version) {
    process.stdout.write(`webhooks ${version()}\n`);
    return 0;
  }
  const twoWords = positionals.slice(0, 2).join(' ');
  const name = COMMANDS[twoWords] ? twoWords : (positionals[0] ?? '');
  const spec = COMMANDS[name];
  if (spec === undefined) {
    console.error(
      positionals.length > 0
        ? `webhooks: unknown command ${JSON.stringify(positionals.join(' '))}\n\n${usage()}`
        : usage(),
    );
    return values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(commandHelp(spec));
    return 0;
  }
  const refused = Object.keys(values).filter(
    (option) => !GLOBAL_OPTIONS.has(option) && !spec.options.includes(option as keyof Options),
  );
  if (refused.length > 0)
    throw new CliError(
      `${refused.map((o) => `--${o}`).join(', ')} does not apply to \`webhooks ${name}\`\n${commandHelp(spec)}`,
    );
  for (const option of ['region', 'profile'] as const) {
    if (values[option] !== undefined && values.stage === undefined)
      throw new CliError(`--${option} applies to a deployed stage: add --stage NAME`);
  }
  // The SDK's default credential chain reads the profile from here.
  if (values.profile !== undefined) process.env.AWS_PROFILE = values.profile;
  const needsTarget = !(spec.targetOptionalWithUrl && values.url !== undefined);
  const target = needsTarget ? await resolveTarget({ stage: values.stage, region: values.region }) : undefined;
  try {
    const result = await spec.run({
      target: target!,
      args: positionals.slice(name.split(' ').length),
      options: values,
    });
    if (!spec.streams) print(values.json || !spec.readable ? result : spec.readable(result), values.json === true);
    return spec.exitCode?.(result) ?? 0;
  } finally {
    target?.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`webhooks: ${message}`);
  process.exitCode =
    error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
}
