import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PROJECT_ROOT, type StackInfo } from '../../local/stack';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';

/** `npm start` as a user runs it (local/start.ts in its own process), on a free port, with data on disk. */
function start(dir: string): { child: ChildProcess; output: () => string; ready: Promise<StackInfo> } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'local/start.ts')], {
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: join(dir, 'dynamodb'), WEBHOOKS_STACK_FILE: join(dir, 'stack.json'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = waitFor(async () => (output.includes('listening on') ? (JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as StackInfo) : undefined), 30_000, 'npm start');
  return { child, output: () => output, ready };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

/** Whether a process with this id still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (the local pipeline in its own process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the routes, stops cleanly on Ctrl-C with its emulators, and keeps its data across a restart', async () => {
    // given a running stack
    const first = start(dir);
    const stack = await first.ready;
    assert.match(first.output(), /listening on http:\/\/127\.0\.0\.1:\d+/);
    const emulatorPids = emulatorProcesses(first.child.pid!);
    assert.equal(emulatorPids.length, 2, 'DynamoDB and SQS emulators run as child processes');
    // when a call status is posted and applied
    assert.equal((await postFixture(stack.url, loadFixture('call-status-cxml-completed'))).status, 200);
    assert.equal((await waitFor(() => callState(stack, 'CA-0000-0001'))), 'ended');
    // then Ctrl-C stops it with exit code 0, and its emulators with it
    assert.equal(await stop(first.child), 0);
    await waitFor(async () => (emulatorPids.every((pid) => !alive(pid)) ? true : undefined), 5_000, 'emulators to exit');
    // and the next start finds the data the first one kept on disk
    const second = start(dir);
    const restarted = await second.ready;
    try {
      assert.equal(await callState(restarted, 'CA-0000-0001'), 'ended');
    } finally {
      assert.equal(await stop(second.child), 0);
    }
  });
});

/** A call's state straight from the stack's DynamoDB, undefined when it has no record. */
async function callState(stack: StackInfo, callId: string): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  try {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: `CALL#${callId}` }, sk: { S: 'CALL' } } }));
    return Item?.state?.S;
  } finally {
    dynamodb.destroy();
  }
}

/** The emulator processes started by `pid` (its children running local/emulator-main.mjs). */
function emulatorProcesses(pid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('emulator-main.mjs'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
