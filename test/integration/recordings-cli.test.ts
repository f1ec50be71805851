import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { resolveTarget, type Target } from '../../cli/target';
import { startConsoleServer, type ConsoleServer } from '../../console/server';
import { sdkDynamoDb } from '../../lib/aws/dynamodb-sdk-sender';
import { recordingKey } from '../../lib/recordings/recording-key';
import { PutCommand } from '../../lib/store/commands';
import { createDocumentClient, type TableRef } from '../../lib/store/table';
import { STACK_CREDENTIALS } from '../../local/local-credentials';
import { PROJECT_ROOT } from '../../local/project-root';
import { startTestStack, type TestStack } from '../helpers/test-stack';

const run = promisify(execFile);

/** What the copier (lib/recordings) files for a copy: on the recording item of its room session, and a pointer. */
interface Copy {
  roomSessionId: string;
  recordingId: string;
  key: string;
  size: number;
  sha256: string;
}

describe('webhooks recordings get (the real bin against a local stack and its S3)', () => {
  let stack: TestStack;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  let table: TableRef;
  let bucket: string;
  let dir: string;
  let target: Target | undefined;
  let consoleServer: ConsoleServer | undefined;
  // 3 MB, not a multiple of anything: a download is streamed in many chunks.
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  /** The real bin, readable output (no --json): stdout, stderr and the exit code. */
  async function readable(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(PROJECT_ROOT, 'bin/webhooks.js'), ...args], {
        env: { ...process.env, WEBHOOKS_STACK_FILE: stack.stackFile },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  /** Files a copy as the copier does: the object, the recording's fields on its item, the pointer item. */
  async function copied(recordingId: string, body: Buffer | undefined, overrides: Partial<Copy> = {}): Promise<Copy> {
    const copy: Copy = {
      roomSessionId: 'rs-rec',
      recordingId,
      key: recordingKey('rs-rec', recordingId, `https://space.example/${recordingId}.mp4`),
      size: body?.length ?? 0,
      sha256: body === undefined ? '' : createHash('sha256').update(body).digest('hex'),
      ...overrides,
    };
    if (body !== undefined)
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: copy.key, Body: body, ContentType: 'video/mp4' }));
    const fields = {
      s3_bucket: bucket,
      s3_key: copy.key,
      size: copy.size,
      sha256: copy.sha256,
      copied_at: '2026-01-01T00:01:09.000Z',
    };
    const put = (item: Record<string, unknown>) =>
      table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
    await put({
      pk: `ROOM#${copy.roomSessionId}`,
      sk: `RECORDING#${recordingId}`,
      state: 'completed',
      url: `https://space.example/${recordingId}.mp4`,
      completed_at: Date.parse('2026-01-01T00:01:00.000Z'),
      ...fields,
    });
    await put({
      pk: `RECORDING#${recordingId}`,
      sk: 'RECORDING',
      recording_id: recordingId,
      room_session_id: copy.roomSessionId,
      ...fields,
    });
    return copy;
  }

  before(async () => {
    stack = await startTestStack();
    bucket = stack.recordingsBucket;
    // The stack's S3 (s3rver behind the AWS front, which checks signatures, pre-signed URLs' too).
    s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: stack.region,
      credentials: STACK_CREDENTIALS,
      forcePathStyle: true,
    });
    dynamodb = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: stack.region,
      credentials: STACK_CREDENTIALS,
    });
    table = { client: createDocumentClient(sdkDynamoDb(dynamodb)), tableName: stack.tableName, retentionDays: 90 };
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: 'ROOM#rs-rec',
          sk: 'ROOM',
          room_session_id: 'rs-rec',
          first_seen_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:01:09.000Z',
        },
      }),
    );
    dir = mkdtempSync(join(tmpdir(), 'recordings-cli-'));
  });
  after(async () => {
    await consoleServer?.close();
    target?.close();
    s3?.destroy();
    dynamodb?.destroy();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints a pre-signed URL, valid 15 min by default, that downloads the exact bytes', async () => {
    // given a recording copied into the bucket
    const copy = await copied('rec-url', bytes);
    // when the operator asks for it
    const before = Date.now();
    const { code, json, stderr } = await stack.cli(['recordings', 'get', 'rec-url']);
    // then they get where it is, its checksum, and a URL that serves exactly those bytes until expires_at
    assert.equal(code, 0, stderr);
    assert.deepEqual(Object.keys(json).sort(), [
      'expires_at',
      'recording_id',
      'room_session_id',
      's3_key',
      'sha256',
      'size',
      'url',
    ]);
    assert.equal(json.recording_id, 'rec-url');
    assert.equal(json.room_session_id, 'rs-rec');
    assert.equal(json.s3_key, 'recordings/rs-rec/rec-url.mp4');
    assert.equal(json.size, bytes.length);
    assert.equal(json.sha256, sha256);
    const lifetime = Date.parse(json.expires_at) - before;
    assert.ok(lifetime > 890_000 && lifetime <= 905_000, `expires in ${lifetime} ms`);
    assert.match(json.url, /X-Amz-Expires=900\b/);
    assert.match(json.url, new RegExp(`/${bucket}/recordings/rs-rec/rec-url\\.mp4\\?`));
    const response = await fetch(json.url);
    assert.equal(response.status, 200);
    const served = Buffer.from(await response.arrayBuffer());
    assert.equal(served.length, copy.size);
    assert.ok(served.equals(bytes), 'the URL serves the copy byte for byte');
    // and a URL of the wrong signature is refused (the front checks pre-signed URLs as S3 does)
    const forged = new URL(json.url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    assert.equal((await fetch(forged)).status, 403);
  });

  it('makes a URL of the lifetime asked for, at most 7 days', async () => {
    await copied('rec-expires', bytes.subarray(0, 1000));
    const { code, json } = await stack.cli(['recordings', 'get', 'rec-expires', '--expires', '60']);
    assert.equal(code, 0);
    assert.match(json.url, /X-Amz-Expires=60\b/);
    assert.ok(Math.abs(Date.parse(json.expires_at) - Date.now() - 60_000) < 10_000);
    const week = await stack.cli(['recordings', 'get', 'rec-expires', '--expires', '604800']);
    assert.equal(week.code, 0);
    for (const bad of ['0', '604801', 'soon']) {
      const refused = await stack.cli(['recordings', 'get', 'rec-expires', '--expires', bad]);
      assert.equal(refused.code, 1, bad);
      assert.match(refused.stderr, /--expires must be a whole number of seconds from 1 to 604800/);
    }
  });

  it('prints the URL and its lifetime readably without --json', async () => {
    await copied('rec-readable', bytes.subarray(0, 2_000_000));
    const { code, stdout } = await readable(['recordings', 'get', 'rec-readable']);
    assert.equal(code, 0);
    assert.match(stdout, /^url: http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/m);
    assert.match(stdout, /^valid_for: 1[45] min/m);
    assert.match(stdout, /^size: 2000000 bytes \(2\.0 MB\)$/m);
  });

  it('downloads the copy with --file and checks its size and sha256', async () => {
    await copied('rec-file', bytes);
    const file = join(dir, 'out.mp4');
    const { code, json, stderr } = await stack.cli(['recordings', 'get', 'rec-file', '--file', file]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(json, {
      recording_id: 'rec-file',
      room_session_id: 'rs-rec',
      s3_key: 'recordings/rs-rec/rec-file.mp4',
      size: bytes.length,
      sha256,
      file,
    });
    assert.ok(readFileSync(file).equals(bytes));
    assert.equal(existsSync(`${file}.download`), false);
    // into a directory: under the key's name
    const intoDir = await stack.cli(['recordings', 'get', 'rec-file', '--file', dir]);
    assert.equal(intoDir.code, 0, intoDir.stderr);
    assert.equal(intoDir.json.file, join(dir, 'rec-file.mp4'));
    assert.ok(readFileSync(join(dir, 'rec-file.mp4')).equals(bytes));
    // readable: says what it checked
    const shown = await readable(['recordings', 'get', 'rec-file', '--file', file]);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, /^checked: size and sha256 match the copy$/m);
  });

  it('exits 1 when the download does not match the recorded checksum, and writes nothing', async () => {
    // given a copy whose object differs from what was recorded (one byte changed)
    const tampered = Buffer.from(bytes.subarray(0, 4096));
    const copy = await copied('rec-tampered', tampered);
    tampered[100] = tampered[100]! ^ 0xff;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: copy.key, Body: tampered }));
    const file = join(dir, 'tampered.mp4');
    const { code, stderr } = await stack.cli(['recordings', 'get', 'rec-tampered', '--file', file]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /recording rec-tampered: the download does not match the copy \(got 4096 bytes, sha256 [0-9a-f]{64}; recorded 4096 bytes, sha256 [0-9a-f]{64}\); nothing was written/,
    );
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.download`), false);
  });

  it('exits 1 with a clear message for a recording not copied yet', async () => {
    const { code, stderr } = await stack.cli(['recordings', 'get', 'rec-not-yet']);
    assert.equal(code, 1);
    assert.match(stderr, /^webhooks: recording rec-not-yet has not been copied to the recordings bucket yet/);
    const withFile = await stack.cli(['recordings', 'get', 'rec-not-yet', '--file', join(dir, 'x')]);
    assert.equal(withFile.code, 1);
    assert.match(withFile.stderr, /has not been copied/);
    assert.equal(existsSync(join(dir, 'x')), false);
  });

  it('exits 1 when the copy is no longer in the bucket (a lifecycle rule expired it)', async () => {
    const copy = await copied('rec-expired', bytes.subarray(0, 10));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: copy.key }));
    const { code, stderr } = await stack.cli(['recordings', 'get', 'rec-expired']);
    assert.equal(code, 1);
    assert.match(stderr, /is no longer in the bucket/);
  });

  it('`rooms show` prints each copy: key, size, sha256, copy time', async () => {
    await copied('rec-show', bytes.subarray(0, 5000));
    const { code, json } = await stack.cli(['rooms', 'show', 'rs-rec']);
    assert.equal(code, 0);
    const recording = (json.recordings as Record<string, unknown>[]).find((r) => r.id === 'rec-show');
    assert.deepEqual(recording && { ...recording, url: undefined }, {
      id: 'rec-show',
      url: undefined,
      duration_seconds: null,
      state: 'completed',
      started_at: null,
      completed_at: '2026-01-01T00:01:00.000Z',
      s3_bucket: bucket,
      s3_key: 'recordings/rs-rec/rec-show.mp4',
      size: 5000,
      sha256: createHash('sha256').update(bytes.subarray(0, 5000)).digest('hex'),
      copied_at: '2026-01-01T00:01:09.000Z',
    });
    const shown = await readable(['rooms', 'show', 'rs-rec']);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, new RegExp(`s3: s3://${bucket}/recordings/rs-rec/rec-show\\.mp4`));
    assert.match(shown.stdout, /size: 5000 bytes \(0\.0 MB\)/);
    assert.match(shown.stdout, /copied_at: 2026-01-01T00:01:09\.000Z/);
  });

  it('the console links a copy through a route that redirects to a fresh pre-signed URL', async () => {
    await copied('rec-console', bytes);
    target = await resolveTarget({ stackFile: stack.stackFile });
    consoleServer = await startConsoleServer(target);
    const page = await (await fetch(`${consoleServer.url}/rooms/rs-rec`)).text();
    assert.match(page, /href="\/recordings\/rec-console"/);
    assert.doesNotMatch(page, /X-Amz-Signature/);
    const redirect = await fetch(`${consoleServer.url}/recordings/rec-console`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('cache-control'), 'no-store');
    const location = redirect.headers.get('location')!;
    assert.match(location, /X-Amz-Expires=3600\b/);
    assert.ok(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(bytes));
    // not copied: a page saying so, no redirect
    const missing = await fetch(`${consoleServer.url}/recordings/rec-nowhere`, { redirect: 'manual' });
    assert.equal(missing.status, 200);
    assert.match(await missing.text(), /recording rec-nowhere has not been copied/);
  });
});
