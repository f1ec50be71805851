import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsCredentialIdentity, FinalizeRequestMiddleware, Pluggable } from '@smithy/types';
import { startS3, type Emulator } from '../../local/emulators';
import { functionAccessKeyId, LOCAL_SECRET, localAccessKeys, STACK_CREDENTIALS } from '../../local/local-credentials';
import { refusal } from '../helpers/assertions';

/**
 * The local S3 (s3rver, local/s3-emulator.mjs) behind the AWS front, which checks every request's SigV4 signature by
 * S3's rules (local/signature-check.mjs): what the recordings copier does through it (a multipart Upload of lib-storage,
 * HeadObject, GetObject) passes when signed right and is refused as S3 refuses it when not; a pre-signed URL (`webhooks
 * recordings get`) is checked too; a failed upload is aborted and leaves no object; every call is recorded with its
 * bucket and key for the IAM parity check.
 */
const BUCKET = 'signalwire-webhooks-local-recordingsbucket';
const COPIER = { accessKeyId: functionAccessKeyId('recordings'), secretAccessKey: LOCAL_SECRET };
const MiB = 1024 * 1024;

/** After the SDK signed it, alters an UploadPart request's body: what arrives is not what was signed. */
const corruptUploadParts: Pluggable<any, any> = {
  applyToStack(stack) {
    const corrupt: FinalizeRequestMiddleware<any, any> = (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') {
        const request = args.request as { body: Uint8Array };
        const body = Buffer.from(request.body);
        body[0] = body[0]! ^ 0xff;
        request.body = body;
      }
      return next(args);
    };
    stack.addRelativeTo(corrupt, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'corruptUploadParts',
    });
  },
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('S3 behind the AWS front (local/s3-emulator.mjs, local/aws-front.mjs)', () => {
  let s3: Emulator;
  let dir: string;
  const clients: S3Client[] = [];
  const clientWith = (credentials: AwsCredentialIdentity) => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const calls = () =>
    readFileSync(join(dir, 'calls-s3.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, string>);
  const upload = (client: S3Client, key: string, body: Buffer) =>
    new Upload({
      client,
      // a stream of unknown length, as the copier's download is
      params: { Bucket: BUCKET, Key: key, Body: Readable.from([body.subarray(0, 3 * MiB), body.subarray(3 * MiB)]) },
      partSize: 8 * MiB,
      queueSize: 2,
      leavePartsOnError: false,
    }).done();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-s3-front-'));
    s3 = await startS3(undefined, {
      accessKeys: localAccessKeys(['recordings']),
      recordCallsTo: join(dir, 'calls-s3.jsonl'),
    });
    await clientWith(STACK_CREDENTIALS).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a 20 MB multipart Upload signed right (three parts, each body hashed and checked) and gives it back whole', async () => {
    // given 20 MB and the copier's client
    const body = randomBytes(20 * MiB);
    const client = clientWith(COPIER);
    // when it uploads them with lib-storage, in 8 MiB parts, two in flight
    await upload(client, 'recordings/rs-1/rec-1.mp4', body);
    // then the object is there, whole
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-1/rec-1.mp4' }));
    assert.equal(head.ContentLength, body.length);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-1/rec-1.mp4' }));
    assert.equal(sha256(await got.Body!.transformToByteArray()), sha256(body));
    // and each call was recorded as the copier's, with the operation IAM authorizes and the object it named
    const mine = calls().filter((call) => call.caller === COPIER.accessKeyId);
    assert.deepEqual([...new Set(mine.map((call) => call.operation))].sort(), [
      'CompleteMultipartUpload',
      'CreateMultipartUpload',
      'GetObject',
      'HeadObject',
      'UploadPart',
    ]);
    for (const call of mine) assert.deepEqual([call.bucket, call.object], [BUCKET, 'recordings/rs-1/rec-1.mp4']);
  });

  it('refuses a call signed with a wrong secret, and a key it never issued, as S3 does', async () => {
    const wrong = clientWith({ accessKeyId: COPIER.accessKeyId, secretAccessKey: 'not-the-secret' });
    const put = (client: S3Client) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-1/x.mp4', Body: 'x' }));
    const mismatch = await refusal(put(wrong));
    assert.deepEqual([mismatch.name, mismatch.status], ['SignatureDoesNotMatch', 403]);
    assert.match(mismatch.message, /signature we calculated does not match/);
    const unknown = await refusal(put(clientWith({ accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: LOCAL_SECRET })));
    assert.deepEqual([unknown.name, unknown.status], ['InvalidAccessKeyId', 403]);
    // a HEAD is refused without a body, as S3 answers it
    const head = await refusal(wrong.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-1/rec-1.mp4' })));
    assert.equal(head.status, 403);
  });

  it('refuses a part whose body is not the one signed; the Upload is aborted and leaves no object', async () => {
    // given the copier's client, whose parts are altered after signing
    const client = clientWith(COPIER);
    client.middlewareStack.use(corruptUploadParts);
    // when it uploads 12 MB (two parts)
    const failed = await refusal(upload(client, 'recordings/rs-2/rec-2.mp4', randomBytes(12 * MiB)));
    // then the part is refused for its hash, and that is the error (the abort itself succeeded)
    assert.equal(failed.name, 'SignatureDoesNotMatch', failed.message);
    assert.match(failed.message, /x-amz-content-sha256 does not match the body received/);
    // and nothing of it is an object
    const missing = await refusal(
      clientWith(COPIER).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-2/rec-2.mp4' })),
    );
    assert.equal(missing.status, 404);
    assert.ok(calls().some((call) => call.operation === 'AbortMultipartUpload' && call.caller === COPIER.accessKeyId));
  });

  it('refuses a part sent to another upload than the one signed (the query is signed too)', async () => {
    // given a client whose UploadPart query is changed after signing
    const client = clientWith(COPIER);
    client.middlewareStack.use({
      applyToStack(stack) {
        const otherUpload: FinalizeRequestMiddleware<any, any> = (next) => async (args) => {
          (args.request as { query: Record<string, string> }).query.uploadId = 'u2';
          return next(args);
        };
        stack.addRelativeTo(otherUpload, {
          relation: 'after',
          toMiddleware: 'httpSigningMiddleware',
          name: 'otherUpload',
        });
      },
    });
    // when it sends a part (no such upload either: the signature is what fails first)
    const part = new UploadPartCommand({
      Bucket: BUCKET,
      Key: 'recordings/rs-3/x.mp4',
      UploadId: 'u1',
      PartNumber: 1,
      Body: 'x',
    });
    const refused = await refusal(client.send(part));
    // then S3's SignatureDoesNotMatch
    assert.deepEqual([refused.name, refused.status], ['SignatureDoesNotMatch', 403]);
  });

  it('serves a pre-signed GET URL, and refuses it altered or expired', async () => {
    // given an object and a pre-signed URL for it (the stack's key, as the CLI signs)
    const client = clientWith(STACK_CREDENTIALS);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-4/rec 4.webm', Body: 'webm bytes' }));
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-4/rec 4.webm' }),
      {
        expiresIn: 60,
      },
    );
    // when it is fetched as it is, then the object comes back
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'webm bytes');
    // when another key is asked for with its signature, then S3's SignatureDoesNotMatch
    const altered = await fetch(url.replace('rs-4', 'rs-1'));
    assert.equal(altered.status, 403);
    assert.match(await altered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    // when its time is up, then AccessDenied: Request has expired
    const old = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'recordings/rs-4/rec 4.webm' }),
      {
        expiresIn: 1,
        signingDate: new Date(Date.now() - 10_000),
      },
    );
    const expired = await fetch(old);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Code>AccessDenied<\/Code><Message>Request has expired/);
    // unsigned: AccessDenied, as a private bucket answers it
    const unsigned = await fetch(`${s3.endpoint}/${BUCKET}/recordings/rs-4/rec%204.webm`);
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Code>AccessDenied<\/Code>/);
  });
});
