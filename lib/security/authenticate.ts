import type { ParametersReader } from '../config/secrets';
import { ClientError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { authenticateRequest, type AuthPolicy } from '../security/auth-policy';
import { reconstructPublicUrl } from '../security/public-url';
import { redactUrl } from '../security/redact';
import {
  createAuthPolicySource,
  MisconfiguredError,
  readWebhookAuthConfig,
  type WebhookAuthConfig,
  type WebhookAuthSettings,
} from './auth-settings';
import { MAX_BODY_BYTES, rawBodyBytes, refuseOversizedForm } from '../http/request-body';
import type { WebhookRequest } from '../http/webhook-request';

/** Lets a delivery through or throws ClientError 401/403 with a generic message; the reason goes to logs and metrics. */
export type Authenticate = (request: WebhookRequest, rawBody: Buffer) => Promise<void>;

export interface VerifyDeliveryDeps {
  /** Checks who is calling (signatures, secrets, allowlist); throws ClientError 401/403 to refuse. */
  authenticate?(request: WebhookRequest, rawBody: Buffer): void | Promise<void>;
}

/**
 * The one authentication path of every HTTP function (ingest and SWML): decodes the exact bytes received and lets
 * `authenticate` refuse them (ClientError 401/403/413, DependencyError when its secrets cannot be read). Resolves to
 * those bytes; with no authenticator (tests of the use cases) every delivery passes.
 */
export async function verifyDelivery(
  request: WebhookRequest,
  authenticate: VerifyDeliveryDeps['authenticate'],
): Promise<Buffer> {
  const raw = rawBodyBytes(request.body, request.isBase64Encoded);
  await authenticate?.(request, raw);
  return raw;
}

export interface AuthenticatorDeps {
  log: Logger;
  metrics: Metrics;
  /** Needed on Lambda when secrets are named by `<NAME>_PARAMETER`; never called otherwise. */
  readParameters?: ParametersReader;
}

/**
 * The webhook authenticator of a function, configured from its environment once, at cold start (docs/security.md):
 * SIGNALWIRE_SIGNING_KEY, WEBHOOK_BASIC_AUTH, WEBHOOK_QUERY_SECRET (or their `_PARAMETER` in SSM), WEBHOOK_IP_ALLOWLIST,
 * WEBHOOK_ALLOW_UNAUTHENTICATED and WEBHOOK_PUBLIC_BASE_URL.
 */
export function authenticatorFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  deps: AuthenticatorDeps,
): Authenticate {
  return authenticatorFromConfig(readWebhookAuthConfig(env), deps);
}

/** The same, from the config a function read at cold start (its `read…Config`). */
export function authenticatorFromConfig(
  { settings, env, misconfigured }: WebhookAuthConfig,
  deps: AuthenticatorDeps,
): Authenticate {
  if (misconfigured !== undefined) {
    // A clear error at start-up, then 503 (SignalWire retries) until fixed: never a weaker check, never a crash loop.
    deps.log.error('webhook verification misconfigured; answering 503 until fixed', { reason: misconfigured });
    const refusal = new MisconfiguredError(`webhook verification misconfigured: ${misconfigured}`);
    return async () => {
      throw refusal;
    };
  }
  const policy = createAuthPolicySource(env, settings, {
    readParameters: deps.readParameters,
    log: deps.log,
    ...(settings.secretsCacheMs !== undefined && { ttlMs: settings.secretsCacheMs }),
  });
  return createAuthenticator({ ...settings, policy, log: deps.log, metrics: deps.metrics });
}

interface AuthenticatorConfig extends Pick<WebhookAuthSettings, 'local' | 'publicBaseUrl'> {
  policy(): Promise<AuthPolicy>;
  log: Logger;
  metrics: Metrics;
}

function createAuthenticator(config: AuthenticatorConfig): Authenticate {
  const { local, publicBaseUrl, log, metrics } = config;
  return async (request, rawBody) => {
    // Bounded work for anyone: nothing hashed or parsed that the parser would refuse anyway.
    if (rawBody.length > MAX_BODY_BYTES) throw new ClientError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
    refuseOversizedForm(rawBody, request.headers['content-type']);
    const policy = await config.policy();
    const [url, ...otherUrls] = signedUrlCandidates(request, local, publicBaseUrl);
    const checked = {
      url,
      otherUrls,
      rawBody,
      contentType: request.headers['content-type'],
      headers: request.headers,
      sourceIp: request.sourceIp,
      method: methodOf(request.routeKey),
      query: queryOf(request.rawQueryString),
    };
    // Locally nothing configured means open (documented); on Lambda it means closed unless explicitly allowed.
    const options = local ? OPEN_WHEN_UNCONFIGURED : CLOSED_WHEN_UNCONFIGURED;
    const decision = authenticateRequest(checked, policy, options);
    if (decision.ok) return;
    metrics.count('WebhookRejected', { Reason: decision.reason });
    log.warn('webhook refused', {
      status: decision.status,
      reason: decision.reason,
      route: request.routeKey,
      source_ip: request.sourceIp,
      request_id: request.requestId,
      // What a signature was checked against (secrets redacted): the first thing to look at after a key rotation
      // or a domain change.
      url: redactUrl(url),
    });
    const challenge =
      decision.wwwAuthenticate === undefined ? undefined : { 'www-authenticate': decision.wwwAuthenticate };
    throw new ClientError(decision.status, decision.status === 401 ? 'unauthorized' : 'forbidden', challenge);
  };
}

/**
 * The URLs the sender may have signed, most likely first: the configured public base URL (a CDN or proxy in front,
 * or a tunnel to the local stack), then the request's own: locally `http://` + Host, on Lambda API Gateway's domain
 * and stage from the request context, never a client header.
 */
function signedUrlCandidates(
  request: WebhookRequest,
  local: boolean,
  publicBaseUrl: string | undefined,
): [string, ...string[]] {
  const line = {
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers: request.headers,
    requestContext: { domainName: request.domainName ?? '', stage: request.stage ?? '$default' },
  };
  const own = reconstructPublicUrl(line, { local });
  if (publicBaseUrl === undefined) return [own];
  const configured = reconstructPublicUrl(line, { publicBaseUrl });
  return configured === own ? [own] : [configured, own];
}

const OPEN_WHEN_UNCONFIGURED = { failClosed: false };
const CLOSED_WHEN_UNCONFIGURED = { failClosed: true };

function methodOf(routeKey: string): string {
  const space = routeKey.indexOf(' ');
  return space === -1 ? routeKey : routeKey.slice(0, space);
}

const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;

// First value wins for a repeated name; built only when a query string is present.
function queryOf(rawQueryString: string): Record<string, string> {
  if (rawQueryString === '') return NO_QUERY;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) if (!Object.hasOwn(query, name)) query[name] = value;
  return query;
}
