import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { acquireClaim, type ClaimStore } from '../claims/lease-claim';
import { DependencyError, PermanentError } from '../errors';
import type { CopyJob } from './recording-job';
import { recordingKey } from './recording-key';
import { checkRecordingUrl, type ResolveHost } from './recording-url';

/** Where a recording landed: what the recording item and `webhooks recordings get` show. */
export interface StoredCopy {
  bucket: string;
  key: string;
  size: number;
  sha256: string;
  copiedAt: string;
}

/** The stage's recordings bucket (lib/aws/s3.ts). */
export interface RecordingObjects {
  bucket: string;
  /** The object's size, or undefined when there is none. */
  head(key: string): Promise<{ size: number } | undefined>;
  /** The sha256 of the object's bytes, read back (a copy whose holder died before filing it). */
  sha256Of(key: string): Promise<string>;
  /**
   * Streams `body` into `key` as a multipart upload (bounded memory); a failure aborts it, so a key never holds part
   * of a recording. `sha256` is computed as the bytes pass and read once the body has ended.
   */
  upload(key: string, body: Readable, contentType: string | undefined, sha256: () => string): Promise<void>;
}

/** An HTTP GET of the recording: its answer's status, headers and body stream. */
export interface RecordingDownload {
  status: number;
  contentType?: string;
  contentLength?: number;
  body: Readable;
}

export interface CopyDeps {
  objects: RecordingObjects;
  download(url: URL): Promise<RecordingDownload>;
  resolveHost: ResolveHost;
  /** Lets http://127.0.0.1 through: the local stack and tests only. */
  allowLoopback?: boolean;
  /** One copy of a recording at a time (`COPY#` claims): a lease longer than the copier's timeout. */
  claims: ClaimStore;
  leaseMs: number;
  /** Files the copy on the recording (and its `RECORDING#<id>` pointer); a repeat changes nothing. */
  record(job: CopyJob, copy: StoredCopy): Promise<void>;
  now?: () => number;
}

export type CopyOutcome = 'copied' | 'already-copied';

/**
 * Copies one completed recording into the bucket, once: a redelivered or replayed job finds the claim settled or the
 * object there and only files it; a copy that died half-way left no object (its multipart upload was aborted, or never
 * completed) and is redone by whoever takes the claim over when its lease ends.
 */
export async function copyRecording(job: CopyJob, deps: CopyDeps): Promise<CopyOutcome> {
  const url = await checkRecordingUrl(job.url, deps.resolveHost, deps.allowLoopback);
  const key = recordingKey(job.room_session_id, job.recording_id, job.url);
  const now = deps.now ?? Date.now;
  const claimKey = `${job.room_session_id}#${job.recording_id}`;
  const claim = await acquireClaim(
    deps.claims,
    claimKey,
    { key },
    { leaseMs: deps.leaseMs, now: now(), token: randomUUID() },
  );
  if (claim.kind === 'settled') {
    // Copied before: filed again (a no-op, or the filing its copier died before). Gone since (deleted by hand or by a
    // lifecycle rule): nothing to redo.
    const there = await deps.objects.head(key);
    const sha256 = claim.claim.fields.sha256;
    if (there !== undefined && typeof sha256 === 'string')
      await deps.record(job, stored(deps, key, there.size, sha256, now));
    return 'already-copied';
  }
  const there = await deps.objects.head(key);
  if (there !== undefined) {
    // A previous holder completed the upload and died before filing it: the object is whole (a multipart upload
    // appears only once completed); its checksum is read back.
    const copy = stored(deps, key, there.size, await deps.objects.sha256Of(key), now);
    await deps.record(job, copy);
    await deps.claims.finish(claimKey, claim.token, 'copied', { key, size: copy.size, sha256: copy.sha256 });
    return 'already-copied';
  }
  try {
    const copy = await download(job, url, key, deps, now);
    await deps.record(job, copy);
    await deps.claims.finish(claimKey, claim.token, 'copied', { key, size: copy.size, sha256: copy.sha256 });
    return 'copied';
  } catch (error) {
    // Released at once: the next delivery (after its backoff) may take it without waiting for the lease.
    await deps.claims.finish(claimKey, claim.token, 'retry', {}).catch(() => undefined);
    throw error;
  }
}

async function download(job: CopyJob, url: URL, key: string, deps: CopyDeps, now: () => number): Promise<StoredCopy> {
  const answer = await deps.download(url);
  if (answer.status === 404 || answer.status === 410) {
    answer.body.destroy();
    throw new PermanentError(`recording ${job.recording_id} not found at its URL (HTTP ${answer.status})`);
  }
  if (answer.status < 200 || answer.status >= 300) {
    answer.body.destroy();
    const reason = `recording download answered HTTP ${answer.status}`;
    throw answer.status >= 500 || answer.status === 408 || answer.status === 429
      ? new DependencyError(reason)
      : new PermanentError(reason);
  }
  const hash = createHash('sha256');
  let size = 0;
  let sha256 = '';
  const expected = answer.contentLength;
  // Counts and hashes the bytes on their way; a body that ends short of its Content-Length fails the upload (aborted).
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (expected !== undefined && size !== expected) {
        done(new DependencyError(`recording download ended after ${size} of ${expected} bytes`));
        return;
      }
      sha256 = hash.digest('hex');
      done();
    },
  });
  answer.body.on('error', (error) => meter.destroy(error));
  try {
    await deps.objects.upload(key, answer.body.pipe(meter), answer.contentType, () => sha256);
  } catch (error) {
    answer.body.destroy();
    if (error instanceof PermanentError) throw error;
    throw new DependencyError(`recording copy failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return stored(deps, key, size, sha256, now);
}

function stored(deps: CopyDeps, key: string, size: number, sha256: string, now: () => number): StoredCopy {
  return { bucket: deps.objects.bucket, key, size, sha256, copiedAt: new Date(now()).toISOString() };
}
