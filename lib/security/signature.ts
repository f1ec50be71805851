import { timingSafeEqualStrings } from './constant-time';
import {
  bodySha256Hex,
  formSignatureOfSerializedParams,
  rawBodySignature,
  serializeFormParamsForSignature,
  type FormParamEntries,
} from './signature-digests';
import { bodySha256QueryParam, defaultPortVariants } from './signed-url';

/**
 * Which signature vouched for the request. Scheme A: hex HMAC of the URL and the raw body. Scheme B: base64 HMAC-SHA1
 * of the URL and the sorted form parameters (Twilio's scheme).
 */
type SignatureScheme =
  | 'raw-body-hmac-sha256' // Scheme A, X-SignalWire-Sha256-Signature
  | 'raw-body-hmac-sha1' // Scheme A, X-SignalWire-Signature as 40 hex digits
  | 'form-params-hmac-sha1' // Scheme B over the URL and the form parameters (or the URL alone for a body-less request)
  | 'url-hmac-sha1-body-sha256'; // Scheme B over the URL alone, the body pinned by its `bodySHA256` query parameter

type SignatureFailureReason =
  | 'no signing key configured'
  | 'missing signature'
  | 'malformed signature'
  | 'signature mismatch'
  | 'body hash mismatch'
  | 'body not covered by signature';

export type SignatureVerdict = { ok: true; scheme: SignatureScheme } | { ok: false; reason: SignatureFailureReason };

export interface SignedRequest {
  /** The exact public URL SignalWire called, query string included (see `reconstructPublicUrl`). */
  url: string;
  /** Other URLs the sender may have signed (a configured public base URL as well as the request's own). */
  otherUrls?: readonly string[];
  /** The exact body bytes, base64-decoded when API Gateway encoded them. */
  rawBody: Buffer;
  contentType: string | null | undefined;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
}

// The shape of each scheme's signature: anything else is refused before a byte is hashed.
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;
const SHA1_BASE64 = /^[A-Za-z0-9+/]{27}=$/;

/**
 * Checks a delivery against every configured signing key (two are valid during a rotation). Scheme is chosen by the
 * headers: a SHA-256 header decides alone; otherwise a 40-hex-digit signature is Scheme A and anything else Scheme B.
 */
export function verifySignalWireSignature(request: SignedRequest, signingKeys: readonly string[]): SignatureVerdict {
  if (signingKeys.length === 0) return { ok: false, reason: 'no signing key configured' };
  const { headers } = request;

  const sha256Signature = nonEmpty(headers['x-signalwire-sha256-signature']);
  if (sha256Signature !== undefined) {
    if (!SHA256_HEX.test(sha256Signature)) return { ok: false, reason: 'malformed signature' };
    return verifyRawBodySignature(request, sha256Signature, 'sha256', signingKeys);
  }
  const signature = nonEmpty(headers['x-signalwire-signature']) ?? nonEmpty(headers['x-twilio-signature']);
  if (signature === undefined) return { ok: false, reason: 'missing signature' };
  if (SHA1_HEX.test(signature)) return verifyRawBodySignature(request, signature, 'sha1', signingKeys);
  if (!SHA1_BASE64.test(signature)) return { ok: false, reason: 'malformed signature' };
  return verifyFormSignature(request, signature, signingKeys);
}

/** True for `application/x-www-form-urlencoded`, whatever its parameters (`; charset=utf-8`) and case. */
export function isFormContentType(contentType: string | null | undefined): boolean {
  if (contentType === undefined || contentType === null) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return mediaType.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function verifyRawBodySignature(
  request: SignedRequest,
  signature: string,
  algorithm: 'sha1' | 'sha256',
  signingKeys: readonly string[],
): SignatureVerdict {
  const urls = candidateUrls(request);
  const matches = signingKeys.some((key) =>
    urls.some((url) => timingSafeEqualStrings(signature, rawBodySignature(key, url, request.rawBody, algorithm))),
  );
  if (!matches) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, scheme: algorithm === 'sha256' ? 'raw-body-hmac-sha256' : 'raw-body-hmac-sha1' };
}

function verifyFormSignature(
  request: SignedRequest,
  signature: string,
  signingKeys: readonly string[],
): SignatureVerdict {
  const expectedBodyHash = bodySha256QueryParam(request.url);
  let params: FormParamEntries;
  if (expectedBodyHash !== undefined) {
    params = [];
  } else if (isFormContentType(request.contentType)) {
    params = new URLSearchParams(request.rawBody.toString('utf8'));
  } else if (request.rawBody.length === 0) {
    params = [];
  } else {
    // Scheme B would cover the URL only, so anyone holding one signed URL could post any body to it.
    return { ok: false, reason: 'body not covered by signature' };
  }

  // Serialized once, whichever URL and key it is then checked against.
  const serializedParams = Buffer.from(serializeFormParamsForSignature(params), 'utf8');
  const urls = candidateUrls(request).flatMap(defaultPortVariants);
  const matches = signingKeys.some((key) =>
    urls.some((url) => timingSafeEqualStrings(signature, formSignatureOfSerializedParams(key, url, serializedParams))),
  );
  if (!matches) return { ok: false, reason: 'signature mismatch' };
  if (expectedBodyHash === undefined) return { ok: true, scheme: 'form-params-hmac-sha1' };
  if (!timingSafeEqualStrings(bodySha256Hex(request.rawBody), expectedBodyHash)) {
    return { ok: false, reason: 'body hash mismatch' };
  }
  return { ok: true, scheme: 'url-hmac-sha1-body-sha256' };
}

function candidateUrls(request: SignedRequest): readonly string[] {
  return request.otherUrls === undefined || request.otherUrls.length === 0
    ? [request.url]
    : [request.url, ...request.otherUrls];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
