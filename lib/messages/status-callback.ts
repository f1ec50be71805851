import { resolveSecretList, type SecretSource } from '../config/secret-list';
import type { ParametersReader } from '../config/secrets';
import { QUERY_SECRET_PARAM } from '../security/query-secret';

/** The webhook checks a stage runs on `/message-status` that a URL can carry: Basic credentials and the query secret. */
export interface StatusCallbackChecks {
  basicAuth: SecretSource;
  querySecret: SecretSource;
}

/**
 * Where SignalWire is to post a reply's delivery receipts: our `/message-status` on the stage's public base URL,
 * carrying what its checks ask of a caller that has no signing key (Basic credentials in the URL, which SignalWire
 * sends as an Authorization header; the query secret). During a rotation (a JSON list) the newest secret, the last,
 * so receipts keep passing once the old one is removed. A signature needs nothing here: SignalWire signs the receipt.
 * The URL holds secrets: it goes to SignalWire's API only, never to a log.
 */
function statusCallbackUrl(
  baseUrl: string,
  secrets: { basicAuth?: string | undefined; querySecret?: string | undefined },
): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/message-status`);
  if (secrets.basicAuth !== undefined) {
    const colon = secrets.basicAuth.indexOf(':');
    url.username = secrets.basicAuth.slice(0, colon);
    url.password = secrets.basicAuth.slice(colon + 1);
  }
  if (secrets.querySecret !== undefined) url.searchParams.set(QUERY_SECRET_PARAM, secrets.querySecret);
  return url.href;
}

/**
 * The status callback URL, its secrets read where the stage keeps them (SSM, or the environment locally) through
 * `readParameters`, which caches them (the worker's: lib/config/ssm-parameters.ts), so a rotated secret reaches the
 * callback within that cache's lifetime. A parameter that does not exist means its check is off.
 */
export function createStatusCallbackSource(
  baseUrl: string,
  checks: StatusCallbackChecks,
  readParameters: ParametersReader,
): () => Promise<string> {
  return async () => {
    const [basicAuth, querySecret] = await Promise.all([
      resolveSecretList(checks.basicAuth, readParameters),
      resolveSecretList(checks.querySecret, readParameters),
    ]);
    return statusCallbackUrl(baseUrl, { basicAuth: basicAuth.at(-1), querySecret: querySecret.at(-1) });
  };
}
