// Types of local/aws-call-recorder.mjs (plain JavaScript, loaded by the AWS front without a TypeScript loader).
import type { IncomingHttpHeaders } from 'node:http';

/** `(headers, body, request) => void`: appends the calls one accepted request makes to `file`, one JSON line each. */
export function createCallRecorder(
  file: string,
): (headers: IncomingHttpHeaders, body: Buffer, request?: { method?: string; url?: string }) => void;

/** An S3 REST request (path-style `/<bucket>/<key>`): its operation as the SDK names it, its bucket and object key. */
export function describeS3Request(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
): { operation: string; bucket?: string; object?: string };
