import { formParamsSignature, rawBodySignature } from './signature-digests';
import { isFormContentType } from './signature';

/** A delivery to sign as SignalWire would: the exact URL it is posted to, its content type and raw body. */
export interface UnsignedDelivery {
  url: string;
  contentType: string | null | undefined;
  body: string;
}

/**
 * The signature headers SignalWire would send with this delivery: a form body is signed with Scheme B (base64
 * HMAC-SHA1 over the URL and the sorted parameters), anything else (JSON, or no body) with Scheme A (hex HMAC-SHA1 and
 * HMAC-SHA256 over the URL and the raw body). For operators' test posts (`webhooks send --sign`) and tests.
 */
export function signDelivery(delivery: UnsignedDelivery, signingKey: string): Record<string, string> {
  if (isFormContentType(delivery.contentType)) {
    return {
      'X-SignalWire-Signature': formParamsSignature(signingKey, delivery.url, new URLSearchParams(delivery.body)),
    };
  }
  const rawBody = Buffer.from(delivery.body, 'utf8');
  return {
    'X-SignalWire-Signature': rawBodySignature(signingKey, delivery.url, rawBody, 'sha1'),
    'X-SignalWire-Sha256-Signature': rawBodySignature(signingKey, delivery.url, rawBody, 'sha256'),
  };
}
