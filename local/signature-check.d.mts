// Types of local/signature-check.mjs (plain JavaScript, so the local stack's proxies can load it without a TypeScript loader).
import type { IncomingHttpHeaders } from 'node:http';

export interface ReceivedRequest {
  method: string;
  /** The request target as received: the path, then `?` and the raw query. */
  url: string;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type RefusalCode =
  | 'SignatureDoesNotMatch'
  | 'IncompleteSignature'
  | 'MissingAuthenticationToken'
  | 'InvalidClientTokenId'
  | 'AccessDenied';

export type SignatureCheck =
  | { ok: true; accessKeyId: string; region: string; service: string }
  /** `reason` starts with `code` (`SignatureDoesNotMatch: ...`). */
  | { ok: false; code: RefusalCode; reason: string };

/**
 * Re-signs the request as received with the SDK's signer and the key's secret; ok when the signatures match. A
 * pre-signed request (the signature in the query, X-Amz-Signature) is presigned again and held to its X-Amz-Expires.
 */
export function checkSignature(
  request: ReceivedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  options?: { now?: number },
): Promise<SignatureCheck>;

/** The refusal in the service's own shape (JSON with X-Amz-Target, S3's REST XML for `service` s3, else query-protocol XML). */
export function signatureRefusal(
  headers: IncomingHttpHeaders,
  reason: string,
  request?: { service?: string; method?: string },
): { status: number; headers: Record<string, string>; body: string };
