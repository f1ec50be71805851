import { createHmac, hash } from 'node:crypto';

/** Name/value pairs of a form body in arrival order; a `URLSearchParams` is one. */
export type FormParamEntries = Iterable<readonly [name: string, value: string]>;

/** Scheme A: hex HMAC of the exact URL followed by the exact body bytes. */
export function rawBodySignature(
  signingKey: string,
  url: string,
  rawBody: Buffer,
  algorithm: 'sha1' | 'sha256',
): string {
  return createHmac(algorithm, signingKey).update(url, 'utf8').update(rawBody).digest('hex');
}

/** Scheme B: base64 HMAC-SHA1 of the URL followed by the form parameters (see `serializeFormParamsForSignature`). */
export function formParamsSignature(signingKey: string, url: string, params: FormParamEntries): string {
  return formSignatureOfSerializedParams(signingKey, url, serializeFormParamsForSignature(params));
}

/**
 * Scheme B over parameters already serialized (and UTF-8 encoded), so a verifier trying several URLs and keys sorts
 * and encodes them once.
 */
export function formSignatureOfSerializedParams(
  signingKey: string,
  url: string,
  serializedParams: string | Buffer,
): string {
  return createHmac('sha1', signingKey).update(url, 'utf8').update(serializedParams).digest('base64');
}

/**
 * What Scheme B signs after the URL: every parameter name sorted by UTF-16 code units (JavaScript's default sort, as
 * the official library does), each name immediately followed by its value; a repeated name contributes name+value once
 * per value, values in arrival order.
 */
export function serializeFormParamsForSignature(params: FormParamEntries): string {
  const valuesByName = new Map<string, string[]>();
  for (const [name, value] of params) {
    const values = valuesByName.get(name);
    if (values === undefined) valuesByName.set(name, [value]);
    else values.push(value);
  }
  let serialized = '';
  for (const name of [...valuesByName.keys()].sort()) {
    for (const value of valuesByName.get(name) ?? []) serialized += name + value;
  }
  return serialized;
}

/** Hex SHA-256 of the raw body, the value a `bodySHA256` query parameter carries. */
export function bodySha256Hex(rawBody: Buffer): string {
  return hash('sha256', rawBody, 'hex');
}
