// Connection failures that happen before a byte of the request is written: SNS surely never saw it.
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
]);
// TLS handshake failures (certificate refused, protocol mismatch): the request is only written after the handshake.
const TLS_FAILURE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$|HOSTNAME_MISMATCH$)/;
// @smithy/node-http-handler's connection timeout (no socket ever connected); its request timeout says otherwise.
const CONNECT_TIMEOUT = /did not establish a connection/;

/**
 * Whether a failed Publish may still have published, read off the SDK's error. An answer from SNS carries its
 * status: a 4xx (throttled, refused) published nothing, a 5xx may have. Without an answer, only a failure that
 * surely came before the request was written (refused connection, DNS, connect timeout, TLS handshake) published
 * nothing; a reset or timeout after the write may have reached SNS, and so does anything not recognised.
 */
export function publishMayHaveHappened(error: unknown): boolean {
  const failure = (error ?? {}) as {
    $metadata?: { httpStatusCode?: unknown };
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const status = failure.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500;
  const code = typeof failure.code === 'string' ? failure.code : '';
  if (NEVER_SENT_CODES.has(code) || TLS_FAILURE.test(code)) return false;
  if (failure.name === 'TimeoutError' && code === '' && CONNECT_TIMEOUT.test(String(failure.message))) return false;
  return true;
}
