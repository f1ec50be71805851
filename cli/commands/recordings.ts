import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type GetObjectCommandOutput, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetCommand } from '../../lib/store/commands';
import { CliError } from '../output';
import type { Target } from '../target';

/** A recording's copy in the stage's bucket, as its pointer item `RECORDING#<recording_id>` files it. */
export interface RecordingCopy {
  recording_id: string;
  room_session_id: string;
  s3_bucket: string;
  s3_key: string;
  size: number;
  sha256: string;
  copied_at: string | null;
}

/** `recordings get` without --file: a pre-signed GET URL for the copy, and when it stops working. */
export interface RecordingLink {
  recording_id: string;
  room_session_id: string;
  s3_key: string;
  size: number;
  sha256: string;
  url: string;
  expires_at: string;
}

/** `recordings get --file PATH`: where the copy was written, its size and checksum checked. */
export interface RecordingFile {
  recording_id: string;
  room_session_id: string;
  s3_key: string;
  size: number;
  sha256: string;
  file: string;
}

const DEFAULT_LINK_SECONDS = 900;
/** S3 refuses a pre-signed (SigV4) URL valid for longer than 7 days. */
const MAX_LINK_SECONDS = 7 * 86_400;

/** The recording's copy, or a CliError saying it has not been copied (or no such recording is known). */
export async function recordingCopy(target: Target, recordingId: string): Promise<RecordingCopy> {
  const { Item: item } = await target.table.client.send(
    new GetCommand({
      TableName: target.table.tableName,
      Key: { pk: `RECORDING#${recordingId}`, sk: 'RECORDING' },
      ConsistentRead: true,
    }),
  );
  if (item === undefined || typeof item.s3_bucket !== 'string' || typeof item.s3_key !== 'string')
    throw new CliError(
      `recording ${recordingId} has not been copied to the recordings bucket yet (or no recording has that id): ` +
        'a completed recording is copied shortly after its recording.completed event; `webhooks rooms show` lists ' +
        "a room's recordings with their copies",
    );
  return {
    recording_id: recordingId,
    room_session_id: String(item.room_session_id),
    s3_bucket: item.s3_bucket,
    s3_key: item.s3_key,
    size: Number(item.size),
    sha256: String(item.sha256),
    copied_at:
      typeof item.copied_at === 'string'
        ? item.copied_at
        : typeof item.copied_at === 'number'
          ? new Date(item.copied_at).toISOString()
          : null,
  };
}

/** `--expires SECONDS`: 1 s to 7 days, default 15 min. */
export function linkSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LINK_SECONDS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_LINK_SECONDS)
    throw new CliError(
      `--expires must be a whole number of seconds from 1 to ${MAX_LINK_SECONDS} (7 days), got ${raw}`,
    );
  return seconds;
}

/**
 * A pre-signed GET URL for the copy, valid `seconds` (the object checked first: one a lifecycle rule expired, or
 * deleted by hand, is reported rather than linked). Signed with the caller's credentials: temporary ones (SSO, an
 * assumed role) end the URL's life when they expire, so `expires_at` is the earlier of the two.
 */
export async function recordingLink(
  target: Target,
  copy: RecordingCopy,
  seconds: number,
  now: number = Date.now(),
): Promise<RecordingLink> {
  const { s3 } = await target.recordings();
  await checkObject(target, copy);
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: copy.s3_bucket, Key: copy.s3_key }), {
    expiresIn: seconds,
  });
  const credentialsExpire = (await s3.config.credentials()).expiration?.getTime();
  const expires = Math.min(now + seconds * 1000, credentialsExpire ?? Number.POSITIVE_INFINITY);
  return {
    recording_id: copy.recording_id,
    room_session_id: copy.room_session_id,
    s3_key: copy.s3_key,
    size: copy.size,
    sha256: copy.sha256,
    url,
    expires_at: new Date(expires).toISOString(),
  };
}

async function checkObject(target: Target, copy: RecordingCopy): Promise<void> {
  const { s3 } = await target.recordings();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: copy.s3_bucket, Key: copy.s3_key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as { name?: string }).name === 'NotFound' || status === 404)
      throw new CliError(
        `the copy of recording ${copy.recording_id} (s3://${copy.s3_bucket}/${copy.s3_key}) is no longer in the bucket: deleted, or expired by the bucket's lifecycle rule`,
      );
    throw error;
  }
}

/**
 * Downloads the copy to `path` (into it, under the key's name, when `path` is a directory), streamed, then checks its
 * size and sha256 against what the copier recorded. The bytes go to `<path>.download` first and are renamed once they
 * check out, so `path` never holds a partial or wrong file; a mismatch removes them and fails.
 */
async function downloadRecording(target: Target, copy: RecordingCopy, path: string): Promise<RecordingFile> {
  const { s3 } = await target.recordings();
  const isDirectory = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const file = resolve(isDirectory ? join(path, basename(copy.s3_key)) : path);
  const partial = `${file}.download`;
  let answer: GetObjectCommandOutput;
  try {
    answer = await s3.send(new GetObjectCommand({ Bucket: copy.s3_bucket, Key: copy.s3_key }));
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') await checkObject(target, copy);
    throw error;
  }
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(answer.Body as NodeJS.ReadableStream, measure, createWriteStream(partial, { flags: 'w' }));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  if (size !== copy.size || sha256 !== copy.sha256) {
    await rm(partial, { force: true });
    throw new CliError(
      `recording ${copy.recording_id}: the download does not match the copy (got ${size} bytes, sha256 ${sha256}; ` +
        `recorded ${copy.size} bytes, sha256 ${copy.sha256}); nothing was written to ${file}`,
    );
  }
  await rename(partial, file);
  return {
    recording_id: copy.recording_id,
    room_session_id: copy.room_session_id,
    s3_key: copy.s3_key,
    size,
    sha256,
    file,
  };
}

/** `recordings get <recording_id> [--file PATH] [--expires SECONDS]`. */
export async function getRecording(
  target: Target,
  recordingId: string | undefined,
  options: { file?: string; expires?: string },
): Promise<RecordingLink | RecordingFile> {
  if (!recordingId)
    throw new CliError('usage: webhooks recordings get <recording_id> [--file PATH] [--expires SECONDS]');
  if (options.file !== undefined && options.expires !== undefined)
    throw new CliError('--expires applies to the URL: with --file the recording is downloaded, no URL is made');
  const seconds = linkSeconds(options.expires);
  const copy = await recordingCopy(target, recordingId);
  return options.file === undefined
    ? recordingLink(target, copy, seconds)
    : downloadRecording(target, copy, options.file);
}

/** Readable: the link's lifetime spelled out, the size in bytes and MB, and what --file checked. */
export function readableRecording(result: RecordingLink | RecordingFile, now: number = Date.now()) {
  const size = `${result.size} bytes (${(result.size / 1_000_000).toFixed(1)} MB)`;
  if ('file' in result) return { ...result, size, checked: 'size and sha256 match the copy' };
  const seconds = Math.max(0, Math.round((Date.parse(result.expires_at) - now) / 1000));
  return { ...result, size, valid_for: lifetime(seconds) };
}

/** 900 -> `15 min`, 3600 -> `1 h`, 604800 -> `7 days`, 90 -> `1 min 30 s`. */
export function lifetime(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [
    [86_400, ' days'],
    [3_600, ' h'],
    [60, ' min'],
    [1, ' s'],
  ];
  let rest = seconds;
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    if (count === 0) continue;
    parts.push(`${count}${count === 1 && unit === ' days' ? ' day' : unit}`);
    rest -= count * size;
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}
