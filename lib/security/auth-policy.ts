import { ConfigError } from '../errors';
import { BASIC_AUTH_CHALLENGE, createBasicAuthMatcher, type BasicAuthCredentials } from './basic-auth';
import { createIpAllowlist, type IpAllowlist } from './ip-allowlist';
import { createQuerySecretMatcher, QUERY_SECRET_PARAM } from './query-secret';
import { verifySignalWireSignature, type SignedRequest } from './signature';
import { booleanEnv } from '../config/env';
import { secretListEnv } from '../config/secret-list';

/** Which webhook checks are on. An empty list turns its check off; every check that is on must pass. */
export interface AuthPolicy {
  readonly signingKeys: readonly string[];
  readonly basicAuth: readonly BasicAuthCredentials[];
  readonly querySecrets: readonly string[];
  /** CIDRs, IPv4 or IPv6. */
  readonly ipAllowlist: readonly string[];
  /** Accept requests when no check at all is configured, even in a fail-closed (deployed) stage. */
  readonly allowUnauthenticated: boolean;
}

export interface WebhookRequest extends SignedRequest {
  method: string;
  /** `requestContext.http.sourceIp`, never X-Forwarded-For. */
  sourceIp: string | undefined;
  query: Readonly<Record<string, string | undefined>>;
}

export type AuthDecision = { ok: true } | AuthRefusal;

interface AuthRefusal {
  ok: false;
  status: 401 | 403;
  /** Short and safe to log or return: never contains a credential. */
  reason: string;
  /** Send as the WWW-Authenticate header of the 401. */
  wwwAuthenticate?: string;
}

export interface AuthenticateOptions {
  /** Reject everything when no check is configured (and unauthenticated access was not allowed). Default true. */
  failClosed?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the policy once, at cold start; a bad entry throws a ConfigError naming the setting (never its value).
 * Secrets (signing keys, Basic credentials, query secrets) are one value, or a JSON list during a rotation; the
 * IP allowlist is comma-separated CIDRs.
 */
export function parseAuthPolicy(env: Env): AuthPolicy {
  const ipAllowlist = listEnv(env, 'WEBHOOK_IP_ALLOWLIST');
  try {
    createIpAllowlist(ipAllowlist);
  } catch (error) {
    throw new ConfigError(`WEBHOOK_IP_ALLOWLIST: ${(error as Error).message}`);
  }
  return Object.freeze({
    signingKeys: Object.freeze(secretListEnv(env, 'SIGNALWIRE_SIGNING_KEY')),
    basicAuth: Object.freeze(secretListEnv(env, 'WEBHOOK_BASIC_AUTH').map(parseCredentialPair)),
    querySecrets: Object.freeze(secretListEnv(env, 'WEBHOOK_QUERY_SECRET')),
    ipAllowlist: Object.freeze(ipAllowlist),
    allowUnauthenticated: booleanEnv(env, 'WEBHOOK_ALLOW_UNAUTHENTICATED', false),
  });
}

/**
 * Runs every configured check, cheapest first: IP allowlist (403), basic auth, query secret, signature (401).
 * Never throws for any request; treat the policy as immutable (its parsed form is cached per policy object).
 */
export function authenticateRequest(
  request: WebhookRequest,
  policy: AuthPolicy,
  options: AuthenticateOptions = {},
): AuthDecision {
  const checks = compiledChecksOf(policy);
  if (!checks.anyConfigured) {
    if (policy.allowUnauthenticated || options.failClosed === false) return { ok: true };
    return { ok: false, status: 403, reason: 'no webhook verification configured' };
  }
  if (checks.ipAllowlist !== undefined) {
    if (request.sourceIp === undefined || !checks.ipAllowlist.matches(request.sourceIp)) {
      return { ok: false, status: 403, reason: 'source ip not allowed' };
    }
  }
  if (checks.basicAuth !== undefined) {
    const authorization = request.headers.authorization;
    if (!checks.basicAuth(authorization)) {
      const reason = authorization === undefined ? 'missing basic auth' : 'basic auth mismatch';
      return { ok: false, status: 401, reason, wwwAuthenticate: BASIC_AUTH_CHALLENGE };
    }
  }
  if (checks.querySecret !== undefined) {
    const secret = request.query[QUERY_SECRET_PARAM];
    if (!checks.querySecret(secret)) {
      const reason = secret === undefined ? 'missing query secret' : 'query secret mismatch';
      return { ok: false, status: 401, reason };
    }
  }
  if (policy.signingKeys.length > 0) {
    const verdict = verifySignalWireSignature(request, policy.signingKeys);
    if (!verdict.ok) return { ok: false, status: 401, reason: verdict.reason };
  }
  return { ok: true };
}

interface CompiledChecks {
  anyConfigured: boolean;
  ipAllowlist: IpAllowlist | undefined;
  basicAuth: ((authorization: string | undefined) => boolean) | undefined;
  querySecret: ((presented: string | undefined) => boolean) | undefined;
}

// Parsing CIDRs and hashing secrets once per policy keeps the per-request cost to a few microseconds.
const compiledPolicies = new WeakMap<AuthPolicy, CompiledChecks>();

function compiledChecksOf(policy: AuthPolicy): CompiledChecks {
  let checks = compiledPolicies.get(policy);
  if (checks === undefined) {
    const { signingKeys, basicAuth, querySecrets, ipAllowlist } = policy;
    checks = {
      anyConfigured: signingKeys.length + basicAuth.length + querySecrets.length + ipAllowlist.length > 0,
      ipAllowlist: ipAllowlist.length > 0 ? createIpAllowlist(ipAllowlist) : undefined,
      basicAuth: basicAuth.length > 0 ? createBasicAuthMatcher(basicAuth) : undefined,
      querySecret: querySecrets.length > 0 ? createQuerySecretMatcher(querySecrets) : undefined,
    };
    compiledPolicies.set(policy, checks);
  }
  return checks;
}

function listEnv(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function parseCredentialPair(pair: string, index: number): BasicAuthCredentials {
  const colon = pair.indexOf(':');
  const user = colon === -1 ? '' : pair.slice(0, colon);
  const password = colon === -1 ? '' : pair.slice(colon + 1);
  if (user === '' || password === '') {
    // The entry itself is a secret: name its position, never its content.
    throw new ConfigError(`WEBHOOK_BASIC_AUTH: entry ${index + 1} is not user:password`);
  }
  return Object.freeze({ user, password });
}
