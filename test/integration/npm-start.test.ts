import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { loadServerlessConfig } from '../../local/serverless-config';
import { PROJECT_ROOT, type StackInfo } from '../../local/stack';
import { loadFixture, postFixture } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';

/**
 * `npm start` as a user runs it, on a free port, with data on disk. Detached, so it leads its own process group:
 * `t.after` kills that whole group (npm, tsx, local/start.ts, both emulators) even when the test fails.
 */
function start(dir: string, t: TestContext): { child: ChildProcess; output: () => string; ready: Promise<StackInfo> } {
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: PROJECT_ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      LOCAL_DATA_DIR: join(dir, 'dynamodb'),
      WEBHOOKS_STACK_FILE: join(dir, 'stack.json'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => killGroup(child.pid!));
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = waitFor(
    async () =>
      output.includes('Ctrl-C to stop')
        ? (JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as StackInfo)
        : undefined,
    60_000,
    'npm start',
  );
  return { child, output: () => output, ready };
}

/** SIGKILL to every process of the group `pid` leads; nothing of it may outlive the test. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has already exited
  }
}

/** Ctrl-C to the stack (the process running local/start.ts); npm answers with its exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stackPid = groupProcesses(child.pid!).find((p) => p.args.includes('emulator-main.mjs'))!.ppid;
  process.kill(stackPid, 'SIGINT');
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

  it('serves every route from the banner on, stops cleanly on Ctrl-C with its emulators, and keeps its data across a restart', async (t) => {
    // given a running stack
    const first = start(dir, t);
    const stack = await first.ready;
    // when a call status is posted the moment the banner is out, it is taken (no 404 while routes load) and applied
    assert.equal((await postFixture(stack.url, loadFixture('call-status-cxml-completed'))).status, 200);
    assert.match(first.output(), /listening on http:\/\/127\.0\.0\.1:\d+/);
    for (const fn of loadServerlessConfig(join(PROJECT_ROOT, 'serverless.yml'), 'local').functions) {
      for (const route of fn.httpRoutes)
        assert.ok(
          first.output().includes(`${route.method} ${stack.url}${route.path}\n`),
          `banner lists ${route.method} ${route.path}`,
        );
    }
    assert.match(first.output(), /GET http:\S+\/swml\n/);
    const emulatorPids = emulatorProcesses(first.child.pid!);
    assert.equal(
      emulatorPids.length,
      4,
      "DynamoDB, SQS, S3 and the SSM stand-in run as child processes (the SNS stand-in in the stack's own)",
    );
    assert.equal(await waitFor(() => callState(stack, 'CA-0000-0001')), 'ended');
    // and its emulators sit behind the AWS front: a request signed with a secret AWS never issued is refused
    await assert.rejects(callState(stack, 'CA-0000-0001', 'not-the-secret'), { name: 'InvalidSignatureException' });
    // then Ctrl-C stops it with exit code 0, and its emulators with it
    assert.equal(await stop(first.child), 0);
    await waitFor(
      async () => (emulatorPids.every((pid) => !alive(pid)) ? true : undefined),
      5_000,
      'emulators to exit',
    );
    assert.deepEqual(groupProcesses(first.child.pid!), [], 'nothing of the first npm start is left');
    // and the next start finds the data the first one kept on disk
    const second = start(dir, t);
    const restarted = await second.ready;
    try {
      assert.equal(await callState(restarted, 'CA-0000-0001'), 'ended');
    } finally {
      assert.equal(await stop(second.child), 0);
    }
  });
});

/** A call's state straight from the stack's DynamoDB (signed with the stack's own key), undefined when it has no record. */
async function callState(
  stack: StackInfo,
  callId: string,
  secretAccessKey: string = STACK_CREDENTIALS.secretAccessKey,
): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: STACK_CREDENTIALS.accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: `CALL#${callId}` }, sk: { S: 'CALL' } } }),
    );
    return Item?.state?.S;
  } finally {
    dynamodb.destroy();
  }
}

/** The processes of the group `pgid` leads (`npm start` and everything it started). */
function groupProcesses(pgid: number): { pid: number; ppid: number; args: string }[] {
  return (
    execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
      // A zombie (`<defunct>`, already exited, waiting to be reaped by init) is not a running process.
      .filter(
        (match): match is RegExpMatchArray =>
          match !== null && Number(match[3]) === pgid && !match[4]!.endsWith('<defunct>'),
      )
      .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[4]! }))
  );
}

/** The emulator processes of `npm start` (local/emulator-main.mjs). */
function emulatorProcesses(pgid: number): number[] {
  return groupProcesses(pgid)
    .filter((p) => p.args.includes('emulator-main.mjs'))
    .map((p) => p.pid);
}
