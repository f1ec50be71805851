// S3 for the local stack: s3rver (a maintained S3 emulator, objects on disk) as published, path-style, behind the AWS
// front (local/aws-front.mjs), which checks every request's SigV4 signature as S3 does. Two things s3rver lacks are
// added here, before it:
// - the access keys: s3rver only knows its own (S3RVER), refusing any other with InvalidAccessKeyId; the local stack's
//   keys (local/local-credentials.ts) are given to it. (It never checks a SigV4 signature itself: the front does.)
// - AbortMultipartUpload (DELETE /<bucket>/<key>?uploadId=...): s3rver answers 405, and lib-storage's Upload, which
//   aborts the upload when a part fails, would then throw that 405 instead of the failure. Here it removes the
//   upload's parts, as S3 does, and answers 204 (404 NoSuchUpload for an upload that is not there).
// Objects go to `directory`; without one, to a temporary directory removed when the server closes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * @param {{ directory?: string, accessKeys: Record<string, string> }} options
 * @returns {import('node:http').Server}
 */
export function createS3Emulator({ directory, accessKeys }) {
  const S3rver = require('s3rver');
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js');
  for (const [accessKeyId, secret] of Object.entries(accessKeys)) DUMMY_ACCOUNT.createKeyPair(accessKeyId, secret);
  const temporary = directory === undefined;
  const root = directory ?? mkdtempSync(join(tmpdir(), 'local-s3-'));
  mkdirSync(root, { recursive: true });
  // vhostBuckets off: the local endpoint is path-style (http://127.0.0.1:<port>/<bucket>/<key>), as the functions'
  // clients are configured locally (AWS_S3_FORCE_PATH_STYLE).
  const s3rver = new S3rver({ directory: root, silent: true, vhostBuckets: false, allowMismatchedSignatures: false });
  const handle = s3rver.callback();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://s3');
    if (req.method === 'DELETE' && url.searchParams.has('uploadId'))
      return void abortMultipartUpload(s3rver.store, url, res);
    handle(req, res);
  });
  if (temporary) server.on('close', () => rmSync(root, { recursive: true, force: true }));
  return server;
}

/** DELETE /<bucket>/<key>?uploadId=<id>: the upload's parts removed (s3rver keeps them under <bucket>/._S3rver_uploads/<id>). */
function abortMultipartUpload(store, url, res) {
  const [bucket, ...keyParts] = url.pathname.slice(1).split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  const uploadId = url.searchParams.get('uploadId') ?? '';
  const uploadDir = /^[\w-]+$/.test(uploadId)
    ? join(store.getResourcePath(decodeURIComponent(bucket ?? ''), undefined, 'uploads'), uploadId)
    : undefined;
  let uploadKey;
  try {
    uploadKey = uploadDir && readFileSync(join(uploadDir, 'key'), 'utf8');
  } catch {
    uploadKey = undefined;
  }
  if (uploadDir === undefined || uploadKey !== key) {
    res.writeHead(404, { 'content-type': 'application/xml' });
    return void res.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message></Error>',
    );
  }
  rmSync(uploadDir, { recursive: true, force: true });
  res.writeHead(204).end();
}
