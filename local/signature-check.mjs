// Checks a SigV4-signed AWS request exactly as it was received, as AWS checks it: the SDK's own signer
// (@smithy/signature-v4) re-signs the request line, the signed headers and the body with the caller's secret, and the
// two signatures must match. The emulators accept any signature; this is what catches a client that signs one thing
// and sends another (say, path `/` signed and `/<account>/<queue>` sent). S3's rules too: its paths are signed as sent
// (not URI-encoded again), its payload is the x-amz-content-sha256 hash or UNSIGNED-PAYLOAD, and a pre-signed URL
// carries its signature in the query (X-Amz-Signature, valid for X-Amz-Expires seconds). Used by the local stack's AWS
// front (local/aws-front.mjs) and the packaged-bundle test (test/template/aws-front/).
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** How far x-amz-date may be from this machine's clock: AWS refuses a signature older (or newer) than 15 minutes. */
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/** SHA-256 and HMAC-SHA256 over node:crypto, in the shape the signer takes (`new Sha256(secret?)`, update, async digest). */
class Sha256 {
  /** @param {string | Uint8Array} [secret] */
  constructor(secret) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  /** @param {string | Uint8Array} data */
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * @typedef {{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, body: Buffer }} ReceivedRequest
 *   `url`: the request target as received (path, then `?` and the raw query); `headers`: lower-case names.
 * @typedef {'SignatureDoesNotMatch' | 'IncompleteSignature' | 'MissingAuthenticationToken' | 'InvalidClientTokenId' | 'AccessDenied'} RefusalCode
 * @typedef {{ ok: true, accessKeyId: string, region: string, service: string }} Verified
 * @typedef {{ ok: false, code: RefusalCode, reason: string }} Refused  `reason` starts with `code`.
 */

/**
 * @param {ReceivedRequest} request
 * @param {(accessKeyId: string) => string | undefined} secretFor the secret access key of a key id; undefined: unknown key
 * @param {{ now?: number }} [options] the clock the signing date is held against (default: this machine's)
 * @returns {Promise<Verified | Refused>}
 */
export async function checkSignature({ method, url, headers, body }, secretFor, options = {}) {
  const authorization = headerValue(headers, 'authorization');
  if (authorization === undefined && /[?&]X-Amz-Algorithm=/.test(url))
    return checkPresigned({ method, url, headers }, secretFor, options.now ?? Date.now());
  if (authorization === undefined)
    return refused('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match)
    return refused(
      'IncompleteSignature',
      `Authorization header is not AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=<hex>`,
    );
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = /** @type {string[]} */ (match);
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return refused('IncompleteSignature', 'SignedHeaders must include host');
  const amzDate = headerValue(headers, 'x-amz-date');
  if (amzDate === undefined)
    return refused('IncompleteSignature', 'Authorization header requires an x-amz-date header');
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === undefined) return refused('IncompleteSignature', `x-amz-date ${amzDate} is not YYYYMMDDTHHMMSSZ`);
  if (amzDate.slice(0, 8) !== scopeDate)
    return refused(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from x-amz-date ${amzDate}`,
    );
  if (Math.abs((options.now ?? Date.now()) - signingDate.getTime()) > MAX_CLOCK_SKEW_MS)
    return refused(
      'SignatureDoesNotMatch',
      `Signature expired: x-amz-date ${amzDate} is more than 15 minutes from the server's time`,
    );
  const secretAccessKey = secretFor(accessKeyId);
  if (secretAccessKey === undefined)
    return refused(
      'InvalidClientTokenId',
      `The security token included in the request is invalid (unknown access key ${accessKeyId})`,
    );

  const missing = signedHeaders.filter((name) => headerValue(headers, name) === undefined);
  if (missing.length > 0)
    return refused('SignatureDoesNotMatch', `signed header ${missing.join(', ')} is not in the request`);
  const payloadHash = headerValue(headers, 'x-amz-content-sha256');
  if (service === 's3' && payloadHash === undefined)
    return refused('SignatureDoesNotMatch', 'Missing required header for this request: x-amz-content-sha256');
  if (payloadHash?.startsWith('STREAMING-'))
    return refused(
      'SignatureDoesNotMatch',
      `x-amz-content-sha256 ${payloadHash} (an aws-chunked body) is not supported locally: send a body of known length`,
    );
  if (
    payloadHash !== undefined &&
    signedHeaders.includes('x-amz-content-sha256') &&
    payloadHash !== 'UNSIGNED-PAYLOAD' &&
    payloadHash !== sha256Hex(body)
  ) {
    return refused('SignatureDoesNotMatch', 'x-amz-content-sha256 does not match the body received');
  }
  const target = splitTarget(url);
  if (target === undefined)
    return refused('SignatureDoesNotMatch', `request target ${url} has a malformed percent-encoding`);

  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey, sessionToken: headerValue(headers, 'x-amz-security-token') },
    sha256: Sha256,
    applyChecksum: false,
    // S3 signs its paths as sent; every other service signs them URI-encoded once more (the signer's default).
    uriEscapePath: service !== 's3',
  });
  const asReceived = {
    method,
    protocol: 'https:',
    hostname: headerValue(headers, 'host') ?? '',
    path: target.path,
    query: target.query,
    headers: Object.fromEntries(
      signedHeaders.map((name) => [name, /** @type {string} */ (headerValue(headers, name))]),
    ),
    body,
  };
  let expected;
  try {
    const signed = await signer.sign(asReceived, { signingDate, signableHeaders: new Set(signedHeaders) });
    expected = Buffer.from(/Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '');
  } catch (error) {
    return refused(
      'SignatureDoesNotMatch',
      `the request could not be signed again: ${error instanceof Error ? error.message : error}`,
    );
  }
  const provided = Buffer.from(signature);
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    return refused(
      'SignatureDoesNotMatch',
      `The request signature we calculated does not match the signature you provided (${method} ${target.path}, signed headers ${signedHeaderList})`,
    );
  }
  return { ok: true, accessKeyId, region, service };
}

/** The query parameters of a pre-signed request's signature: the signer adds them again, X-Amz-Signature last. */
const PRESIGN_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
];
/** The longest a SigV4 pre-signed URL may be valid for: 7 days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

/**
 * A pre-signed request (S3's pre-signed URLs: `webhooks recordings get`): the signature and its scope in the query,
 * the payload UNSIGNED-PAYLOAD, valid from X-Amz-Date for X-Amz-Expires seconds. Checked by presigning the same
 * request again with the SDK's signer, as S3 checks it.
 * @param {Omit<ReceivedRequest, 'body'>} request
 * @param {(accessKeyId: string) => string | undefined} secretFor
 * @param {number} now
 * @returns {Promise<Verified | Refused>}
 */
async function checkPresigned({ method, url, headers }, secretFor, now) {
  const target = splitTarget(url);
  if (target === undefined)
    return refused('SignatureDoesNotMatch', `request target ${url} has a malformed percent-encoding`);
  const one = (/** @type {string} */ name) => {
    const value = target.query[name];
    return Array.isArray(value) ? undefined : value;
  };
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(one('X-Amz-Credential') ?? '');
  const amzDate = one('X-Amz-Date') ?? '';
  const signingDate = parseAmzDate(amzDate);
  const expires = Number(one('X-Amz-Expires'));
  const signedHeaders = (one('X-Amz-SignedHeaders') ?? '').split(';');
  const signature = one('X-Amz-Signature') ?? '';
  if (one('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !credential || signingDate === undefined)
    return refused(
      'IncompleteSignature',
      'a pre-signed request needs X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature',
    );
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS)
    return refused('IncompleteSignature', `X-Amz-Expires must be 1 to ${MAX_PRESIGNED_SECONDS} seconds`);
  if (!/^[0-9a-f]{64}$/.test(signature) || !signedHeaders.includes('host'))
    return refused('IncompleteSignature', 'X-Amz-Signature must be 64 hex digits and X-Amz-SignedHeaders include host');
  const [, accessKeyId, scopeDate, region, service] = /** @type {string[]} */ (credential);
  if (amzDate.slice(0, 8) !== scopeDate)
    return refused(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from X-Amz-Date ${amzDate}`,
    );
  if (signingDate.getTime() - now > MAX_CLOCK_SKEW_MS)
    return refused('AccessDenied', `Request is not yet valid: X-Amz-Date ${amzDate} is in the future`);
  if (now > signingDate.getTime() + expires * 1000) return refused('AccessDenied', 'Request has expired');
  const secretAccessKey = secretFor(accessKeyId);
  if (secretAccessKey === undefined)
    return refused(
      'InvalidClientTokenId',
      `The security token included in the request is invalid (unknown access key ${accessKeyId})`,
    );
  const missing = signedHeaders.filter((name) => headerValue(headers, name) === undefined);
  if (missing.length > 0)
    return refused('SignatureDoesNotMatch', `signed header ${missing.join(', ')} is not in the request`);

  const query = Object.fromEntries(Object.entries(target.query).filter(([name]) => !PRESIGN_PARAMETERS.includes(name)));
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey, sessionToken: one('X-Amz-Security-Token') },
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: service !== 's3',
  });
  // The signed headers arrived as headers: none is moved into the query. The payload of a pre-signed request is
  // UNSIGNED-PAYLOAD (given as a header the signer reads, neither signed nor hoisted).
  const asReceived = {
    method,
    protocol: 'https:',
    hostname: headerValue(headers, 'host') ?? '',
    path: target.path,
    query,
    headers: {
      ...Object.fromEntries(signedHeaders.map((name) => [name, /** @type {string} */ (headerValue(headers, name))])),
      ...(!signedHeaders.includes('x-amz-content-sha256') && { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }),
    },
  };
  let expected;
  try {
    const presigned = await signer.presign(asReceived, {
      signingDate,
      expiresIn: expires,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: new Set(signedHeaders.includes('x-amz-content-sha256') ? [] : ['x-amz-content-sha256']),
      unhoistableHeaders: new Set([...signedHeaders, 'x-amz-content-sha256']),
    });
    expected = Buffer.from(String(presigned.query['X-Amz-Signature'] ?? ''));
  } catch (error) {
    return refused(
      'SignatureDoesNotMatch',
      `the request could not be signed again: ${error instanceof Error ? error.message : error}`,
    );
  }
  const provided = Buffer.from(signature);
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided))
    return refused(
      'SignatureDoesNotMatch',
      `The request signature we calculated does not match the signature you provided (pre-signed ${method} ${target.path})`,
    );
  return { ok: true, accessKeyId, region, service };
}

/**
 * A refusal as the service itself answers it. A request with X-Amz-Target speaks a JSON protocol: SQS answers its
 * query-protocol codes (403, 400 for IncompleteSignature) with `x-amzn-query-error`; DynamoDB, SSM and the other
 * JSON services answer 400 with their own exception names (InvalidSignatureException, UnrecognizedClientException,
 * ...). S3 (`service` s3) answers its REST XML <Error> (no body to a HEAD). Anything else is the query protocol
 * (SNS): an XML ErrorResponse.
 * @param {import('node:http').IncomingHttpHeaders} headers the refused request's
 * @param {string} reason a Refused's reason: its first word is the code
 * @param {{ service?: string, method?: string }} [request] the endpoint's service and the request's method
 * @returns {{ status: number, headers: Record<string, string>, body: string }}
 */
export function signatureRefusal(headers, reason, request = {}) {
  const code = refusalCode(reason);
  const requestId = randomUUID();
  if (request.service === 's3') {
    const s3Code = S3_CODES[code];
    return {
      status: code === 'IncompleteSignature' ? 400 : 403,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body:
        request.method === 'HEAD'
          ? ''
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${s3Code}</Code><Message>${escapeXml(reason.slice(code.length + 2))}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  const target = headerValue(headers, 'x-amz-target');
  if (target !== undefined) {
    const contentType = headerValue(headers, 'content-type')?.startsWith('application/x-amz-json')
      ? /** @type {string} */ (headerValue(headers, 'content-type'))
      : 'application/x-amz-json-1.0';
    if (target.startsWith('AmazonSQS.')) {
      return {
        status: code === 'IncompleteSignature' ? 400 : 403,
        headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, 'x-amzn-query-error': `${code};Sender` },
        body: JSON.stringify({ __type: `com.amazon.coral.service#${code}`, message: reason }),
      };
    }
    return {
      status: 400,
      headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: `com.amazon.coral.service#${JSON_EXCEPTIONS[code]}`, message: reason }),
    };
  }
  return {
    status: code === 'IncompleteSignature' ? 400 : 403,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(reason)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** @type {Record<RefusalCode, string>} The same refusals as the JSON-only services (DynamoDB, SSM) name them. */
const JSON_EXCEPTIONS = {
  SignatureDoesNotMatch: 'InvalidSignatureException',
  IncompleteSignature: 'IncompleteSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  AccessDenied: 'AccessDeniedException',
};

/** @type {Record<RefusalCode, string>} The same refusals as S3 names them (an unsigned request to a private bucket: AccessDenied). */
const S3_CODES = {
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  IncompleteSignature: 'AuthorizationQueryParametersError',
  MissingAuthenticationToken: 'AccessDenied',
  InvalidClientTokenId: 'InvalidAccessKeyId',
  AccessDenied: 'AccessDenied',
};

/** @param {string} reason @returns {RefusalCode} */
function refusalCode(reason) {
  const first = reason.split(':', 1)[0] ?? '';
  return Object.hasOwn(JSON_EXCEPTIONS, first) ? /** @type {RefusalCode} */ (first) : 'SignatureDoesNotMatch';
}

/** @param {RefusalCode} code @param {string} message @returns {Refused} */
const refused = (code, message) => ({ ok: false, code, reason: `${code}: ${message}` });

/** A header's value; repeated headers joined with `,` as SigV4 canonicalises them. */
function headerValue(/** @type {import('node:http').IncomingHttpHeaders} */ headers, /** @type {string} */ name) {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20261206T101500Z` -> its Date; undefined when it is not that shape. */
function parseAmzDate(/** @type {string} */ value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The path exactly as in the request line (the signer URI-encodes it as AWS does), and the query decoded into the
 * object the signer encodes again: repeated names become lists, a name without `=` has the value ''. `+` stays a
 * literal plus (the SDK encodes spaces as %20). Undefined for a malformed percent-encoding.
 * @param {string} url
 * @returns {{ path: string, query: Record<string, string | string[]> } | undefined}
 */
function splitTarget(url) {
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  /** @type {Record<string, string | string[]>} */
  const query = {};
  try {
    for (const pair of at === -1 ? [] : url.slice(at + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decodeURIComponent(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1));
      const before = query[name];
      query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    }
  } catch {
    return undefined;
  }
  return { path, query };
}

const sha256Hex = (/** @type {Buffer} */ body) => createHash('sha256').update(body).digest('hex');

const escapeXml = (/** @type {string} */ text) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
