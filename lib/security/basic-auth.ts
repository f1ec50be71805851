import { createSecretMatcher } from './constant-time';

export interface BasicAuthCredentials {
  user: string;
  password: string;
}

/** Sent with a 401: Twilio-compatible senders post without credentials first and retry only once challenged. */
export const BASIC_AUTH_CHALLENGE = 'Basic realm="webhooks", charset="UTF-8"';

const BASIC_SCHEME = /^basic[ \t]+/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuthorization(authorization: string | undefined): BasicAuthCredentials | undefined {
  if (authorization === undefined) return undefined;
  const scheme = BASIC_SCHEME.exec(authorization);
  if (scheme === null) return undefined;
  const encoded = authorization.slice(scheme[0].length).trim();
  if (encoded === '' || !BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * A matcher for the `Authorization` header against the configured credentials (several during a rotation). User and
 * password are compared together, in constant time, as `user:password` (a user name never contains a colon).
 */
export function createBasicAuthMatcher(
  acceptedCredentials: readonly BasicAuthCredentials[],
): (authorization: string | undefined) => boolean {
  const matchesSecret = createSecretMatcher(acceptedCredentials.map(({ user, password }) => `${user}:${password}`));
  return (authorization) => {
    const presented = parseBasicAuthorization(authorization);
    return presented !== undefined && matchesSecret(`${presented.user}:${presented.password}`);
  };
}
