import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a JavaScript module of our own, without types
import { serveOnLoopback } from './serve-on-loopback.mjs';
// @ts-expect-error: a JavaScript module of our own, without types
import { createSnsStandIn } from './sns-stand-in.mjs';

export interface Emulator {
  endpoint: string;
  /** The same service on a Unix socket (local/loopback-sockets.ts), unless LOCAL_SOCKETS=off. */
  socketPath?: string;
  stop(): Promise<void>;
}

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'emulator-main.mjs');

/** Where an emulator records the AWS calls made through it (local/aws-call-recorder.mjs); nothing when absent. */
export interface EmulatorOptions {
  recordCallsTo?: string;
  /** DynamoDB only: its expression-parse cache (local/dynalite-parse-cache.mjs), on unless DYNALITE_PARSE_CACHE says otherwise. */
  parseCache?: 'on' | 'off' | 'verify';
  /** DynamoDB in memory only: items stored as strings, request ids from a pool (local/dynalite-lean-store.mjs), on unless DYNALITE_LEAN_STORE says otherwise. */
  leanStore?: 'on' | 'off';
  /** SQS only: answer a receive at once when messages are there (local/sqs-receive-now.mjs), on unless SQS_RECEIVE_NOW says otherwise. */
  receiveNow?: 'on' | 'off';
}

/** DynamoDB (dynalite) in its own process on a free loopback port; on disk under `dataDir` when given, else in memory. */
export const startDynamoDb = (dataDir?: string, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['dynamodb', ...(dataDir ? [dataDir] : [])], options);

/** SQS (local-aws-sqs) in its own process on a free loopback port, in memory. */
export const startSqs = (options: EmulatorOptions = {}): Promise<Emulator> => startEmulator(['sqs'], options);

/** SSM GetParameters (local/ssm-stand-in.mjs), answering SecureStrings from `parameters` (name -> value). */
export const startSsmStandIn = (parameters: Record<string, string>, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['ssm'], options, { SSM_PARAMETERS: JSON.stringify(parameters) });

/** SNS Publish (local/sns-stand-in.mjs); `log` prints each notification on stderr. */
export const startSnsStandIn = (log: boolean, options: EmulatorOptions = {}): Promise<Emulator> =>
  startEmulator(['sns'], options, { SNS_LOG: log ? '1' : '0' });

/**
 * The SNS stand-in served from this process (the local stack's): a process of its own, woken for each notification,
 * cost about three times the CPU per Publish (README "Local stack fidelity"). Served as an emulator's process serves
 * it (local/serve-on-loopback.mjs): loopback port, call recorder, Unix socket.
 */
export async function startSnsStandInHere(log: boolean, options: EmulatorOptions = {}): Promise<Emulator> {
  const served = await serveOnLoopback('sns', createSnsStandIn(log), { recordCallsTo: options.recordCallsTo });
  return { endpoint: `http://127.0.0.1:${served.port}`, ...(served.socketPath && { socketPath: served.socketPath }), stop: () => served.close() };
}

/**
 * Each emulator gets a process of its own: with the handlers in a third, the local stack uses every core instead
 * of queueing the whole pipeline on one event loop. The child exits when our end of its stdin closes, so it never
 * outlives the stack, even when the parent is killed.
 */
async function startEmulator(args: string[], options: EmulatorOptions, env: Record<string, string> = {}): Promise<Emulator> {
  const childEnv = { ...process.env, ...env, AWS_CALLS_FILE: options.recordCallsTo ?? '', ...(options.parseCache && { DYNALITE_PARSE_CACHE: options.parseCache }), ...(options.receiveNow && { SQS_RECEIVE_NOW: options.receiveNow }), ...(options.leanStore && { DYNALITE_LEAN_STORE: options.leanStore }) };
  const child = spawn(process.execPath, [...profilingFlags(), ...(V8_FLAGS[args[0]!] ?? []), MAIN, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: childEnv });
  const [port, socketPath] = await new Promise<[number, string | undefined]>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)( \S+)?\n/.exec(output);
      if (match) resolve([Number(match[1]), match[2]?.trim()]);
    });
    child.once('exit', (code) => reject(new Error(`emulator ${args[0]} exited with code ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ...(socketPath && { socketPath }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * dynalite keeps every item in its heap and allocates afresh for each request: its young generation is collected
 * every few dozen writes. With the stack's threads and the other emulators using every core, V8's parallel
 * scavenge waits on helper threads that have no core to run on; one thread doing it alone costs about 5% less of
 * dynalite's CPU (measured interleaved, against the stack's own CPU in the same runs). No effect on the SQS emulator.
 */
const V8_FLAGS: Record<string, string[]> = { dynamodb: ['--single-threaded-gc'] };

/** `--cpu-prof` given to the stack (`npm run bench -- --profile`) profiles the emulators too, each to its own file. */
const profilingFlags = () => process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
