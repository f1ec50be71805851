import { createHash } from 'node:crypto';

/** The extensions a recording's key keeps from its URL's path (lower-cased); any other: none. */
const EXTENSIONS = new Set(['.mp4', '.webm', '.m4a', '.mp3', '.wav']);

/** Longest id kept as is in a key; a longer one (a recording keyed by its URL) is cut and told apart by a hash. */
const MAX_ID_LENGTH = 200;

/**
 * Where a recording's copy lands in the stage's recordings bucket: `recordings/<room_session_id>/<recording_id><ext>`,
 * the same key for every delivery of the same recording (so a redelivered completion finds the copy already there).
 * The extension comes from the recording URL's path when it is a known media one (`.mp4`, `.webm`, `.m4a`, `.mp3`,
 * `.wav`; lower-cased), else none.
 */
export function recordingKey(roomSessionId: string, recordingId: string, url?: string): string {
  return `recordings/${safeKeyPart(roomSessionId)}/${safeKeyPart(recordingId)}${extensionOf(url)}`;
}

/** `s3://<bucket>/<key>`, as the `recording.ready` notification names the copy. */
export function s3Location(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Where each recording's copy lands in `bucket`: the worker's `recording.ready` notifications name it. */
export function copyLocationIn(bucket: string) {
  return (roomSessionId: string, recordingId: string, url: string) =>
    s3Location(bucket, recordingKey(roomSessionId, recordingId, url));
}

/**
 * An id made safe for a key: anything outside [A-Za-z0-9._-] becomes `_`. An id of dots only (`.`, `..`) becomes
 * underscores too (a path segment URL parsers would resolve away), and one longer than 200 characters (an id that is
 * a URL) keeps its first 183 and a hash of the whole, so keys stay well under S3's 1024 bytes.
 */
export function safeKeyPart(id: string): string {
  let safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  if (/^\.*$/.test(safe)) safe = '_'.repeat(Math.max(1, safe.length));
  if (safe.length > MAX_ID_LENGTH)
    safe = `${safe.slice(0, MAX_ID_LENGTH - 17)}-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
  return safe;
}

function extensionOf(url: string | undefined): string {
  if (url === undefined) return '';
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return '';
  }
  const extension = /\.[A-Za-z0-9]+$/.exec(path)?.[0].toLowerCase();
  return extension !== undefined && EXTENSIONS.has(extension) ? extension : '';
}
