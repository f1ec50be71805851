import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEventBridgeStandIn,
  type EventBridgeEvent,
  type EventBridgeStandInOptions,
  type EventHandler,
} from './eventbridge-stand-in';
import { serverlessAccessKeys } from './local-credentials';
import { serveOnLoopback } from './serve-on-loopback.mjs';
// @ts-expect-error: a JavaScript module of our own, without types
import { createSnsStandIn } from './sns-stand-in.mjs';

export interface Emulator {
  /** The AWS front's address (local/aws-front.mjs): every request to it must be signed with a key it accepts. */
  endpoint: string;
  stop(): Promise<void>;
}

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'emulator-main.mjs');

export interface EmulatorOptions {
  /** Where the front records the AWS calls it accepted (local/aws-call-recorder.mjs); nothing when absent. */
  recordCallsTo?: string;
  /**
   * The only access keys the front accepts (id -> secret); by default the local stack's: `local` and
   * `local-<function>` for each function of serverless.yml (local/local-credentials.ts).
   */
  accessKeys?: Record<string, string>;
}

/** DynamoDB (dynalite) in its own process on a free loopback port; on disk under `dataDir` when given, else in memory. */
export const startDynamoDb = (dataDir?: string, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['dynamodb', ...(dataDir ? [dataDir] : [])], options);

/** SQS (local-aws-sqs) in its own process on a free loopback port, in memory. */
export const startSqs = (options: EmulatorOptions = {}): Promise<Emulator> => startEmulator(['sqs'], options);

/**
 * S3 (s3rver, local/s3-emulator.mjs) in its own process on a free loopback port, path-style; objects on disk under
 * `dataDir` when given, else in a temporary directory removed when it stops.
 */
export const startS3 = (dataDir?: string, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['s3', ...(dataDir ? [dataDir] : [])], options);

/** SSM GetParameters (local/ssm-stand-in.mjs), answering SecureStrings from `parameters` (name -> value). */
export const startSsmStandIn = (parameters: Record<string, string>, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['ssm'], options, { SSM_PARAMETERS: JSON.stringify(parameters) });

/** SNS Publish (local/sns-stand-in.mjs); `log` prints each notification on stderr. */
export const startSnsStandIn = (log: boolean, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['sns'], options, { SNS_LOG: log ? '1' : '0' });

/**
 * The SNS stand-in served from this process (the local stack's): it does little per Publish, so it needs no process
 * of its own. Served as an emulator's process serves it (local/serve-on-loopback.mjs): loopback port, behind the
 * AWS front.
 */
export async function startSnsStandInHere(log: boolean, options: EmulatorOptions = {}): Promise<Emulator> {
  const served = await serveOnLoopback('sns', createSnsStandIn(log), {
    accessKeys: options.accessKeys ?? serverlessAccessKeys(),
    recordCallsTo: options.recordCallsTo,
  });
  return { endpoint: `http://127.0.0.1:${served.port}`, stop: () => served.close() };
}

/** The local EventBridge (local/eventbridge-stand-in.ts), as the local stack and the tests reach it. */
export interface LocalEventBridge extends Emulator {
  /** Creates a bus (one that exists is kept): its ARN. */
  createEventBus(name: string): string;
  /** Every event a bus accepted, in order (those of `bus`, a name or ARN, when given); GET <endpoint>/published too. */
  published(bus?: string): EventBridgeEvent[];
  /** A local consumer: `handler` gets each event matching `pattern` (on `bus`, else on any); returns unsubscribe. */
  subscribe(pattern: unknown, handler: EventHandler, bus?: string): () => void;
}

/**
 * EventBridge (local/eventbridge-stand-in.ts) served from this process, as the SNS stand-in is: it routes each event
 * to a few rules at most, so it needs no process of its own. Its SQS targets' queues are at `sqsEndpoint`.
 */
export async function startEventBridgeStandInHere(
  options: EmulatorOptions & EventBridgeStandInOptions = {},
): Promise<LocalEventBridge> {
  const standIn = createEventBridgeStandIn(options);
  const served = await serveOnLoopback('events', standIn.server, {
    accessKeys: options.accessKeys ?? serverlessAccessKeys(),
    recordCallsTo: options.recordCallsTo,
  });
  return {
    endpoint: `http://127.0.0.1:${served.port}`,
    createEventBus: standIn.createEventBus,
    published: standIn.published,
    subscribe: standIn.subscribe,
    async stop() {
      await served.close();
      await standIn.close();
    },
  };
}

/**
 * Each emulator gets a process of its own: with the handlers in a third, the local stack uses every core instead
 * of queueing the whole pipeline on one event loop. The child exits when our end of its stdin closes, so it never
 * outlives the stack, even when the parent is killed.
 */
async function startEmulator(
  args: string[],
  options: EmulatorOptions,
  env: Record<string, string> = {},
): Promise<Emulator> {
  const accessKeys = options.accessKeys ?? serverlessAccessKeys();
  // AWS_REGION: the emulators' ARNs name the one region their front accepts signatures for (local/aws-front.mjs).
  const childEnv = {
    ...process.env,
    ...env,
    AWS_REGION: 'us-east-1',
    AWS_CALLS_FILE: options.recordCallsTo ?? '',
    LOCAL_ACCESS_KEYS: JSON.stringify(accessKeys),
  };
  const child = spawn(process.execPath, [...profilingFlags(), MAIN, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: childEnv,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)\n/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`emulator ${args[0]} exited with code ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

/** `--cpu-prof` given to the stack (`npm run bench -- --profile`) profiles the emulators too, each to its own file. */
const profilingFlags = () => process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
