import { nonNegativeIntEnv } from '../config/env';
import { secretsUnreadable, type ParametersReader } from '../config/secrets';
import { causeMessage, ConfigError, DependencyError } from '../errors';
import type { Logger } from '../logger';
import { parseAuthPolicy, type AuthPolicy } from '../security/auth-policy';
import { requireHttpsUrl } from '../security/https-url';

type Env = Readonly<Record<string, string | undefined>>;

/** Settings holding a secret: given directly (local) or as the SSM parameter named by `<NAME>_PARAMETER` (deployed). */
export const SECRET_SETTINGS = ['SIGNALWIRE_SIGNING_KEY', 'WEBHOOK_BASIC_AUTH', 'WEBHOOK_QUERY_SECRET'] as const;

export interface WebhookAuthSettings {
  /**
   * Not on Lambda (the local stack, tests): the URL signed is `http://` + Host + path + query, and with no check
   * configured requests are let in. Secrets come from the SSM parameters named, wherever it runs (the local stack has
   * an SSM stand-in), unless given directly. On Lambda (AWS_LAMBDA_FUNCTION_NAME, set by
   * the runtime and not configurable) the URL comes from API Gateway's request context and no check means 403.
   */
  local: boolean;
  /**
   * WEBHOOK_PUBLIC_BASE_URL: the base URL SignalWire calls when API Gateway cannot know it (a CDN or proxy in front;
   * a custom domain is in the request context already). Signatures over the request's own URL are accepted too.
   */
  publicBaseUrl: string | undefined;
  /** Setting name -> SSM parameter name, for the secrets not given directly. */
  parameters: ReadonlyMap<string, string>;
  /** WEBHOOK_SECRETS_CACHE_SECONDS (default 300): how soon a changed parameter (a rotation) is in force. */
  secretsCacheMs?: number;
}

/** The webhook checks of a function: its settings, and the variables its policy is parsed from (secrets included). */
export interface WebhookAuthConfig {
  settings: WebhookAuthSettings;
  env: Env;
  /** Why the verification settings are invalid: the authenticator then answers 503 until they are fixed. */
  misconfigured?: string;
}

/**
 * Reads and validates everything the authenticator needs at cold start. An invalid setting (a bad CIDR, flag or
 * secret list) is not thrown: it is kept as `misconfigured`, so the function starts, logs why and answers 503
 * (SignalWire retries) until it is fixed, never a weaker check and never a crash loop.
 */
export function readWebhookAuthConfig(env: Env): WebhookAuthConfig {
  try {
    return { settings: readWebhookAuthSettings(env), env };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      settings: { local: env.AWS_LAMBDA_FUNCTION_NAME === undefined, publicBaseUrl: undefined, parameters: new Map() },
      env,
      misconfigured: error.message,
    };
  }
}

/** Reads and validates the plain settings at cold start (a bad CIDR or flag throws a ConfigError naming it). */
function readWebhookAuthSettings(env: Env): WebhookAuthSettings {
  const local = env.AWS_LAMBDA_FUNCTION_NAME === undefined;
  const publicBaseUrl = env.WEBHOOK_PUBLIC_BASE_URL?.trim() || undefined;
  if (publicBaseUrl !== undefined) requireHttpsUrl(publicBaseUrl, 'WEBHOOK_PUBLIC_BASE_URL');
  parseAuthPolicy(env);
  const parameters = new Map<string, string>();
  for (const name of SECRET_SETTINGS) {
    const parameter = env[`${name}_PARAMETER`]?.trim();
    if (!env[name]?.trim() && parameter) parameters.set(name, parameter);
  }
  return {
    local,
    publicBaseUrl,
    parameters,
    secretsCacheMs: nonNegativeIntEnv(env, 'WEBHOOK_SECRETS_CACHE_SECONDS', 300) * 1000,
  };
}

export interface PolicySourceDeps {
  readParameters: ParametersReader | undefined;
  log: Logger;
  /** How long a container keeps secrets read from SSM before reading them again (a rotation reaches it then). */
  ttlMs?: number;
}

/**
 * The policy in force, secrets included. Without SSM parameters it is built once, from the environment. With them,
 * the first load starts now (during the cold start, beside the rest of init) and is refreshed after `ttlMs`; a
 * refresh that fails keeps the last good policy, and a first load that fails answers 503 (SignalWire retries) and
 * is tried again by the next request.
 */
export function createAuthPolicySource(
  env: Env,
  settings: WebhookAuthSettings,
  deps: PolicySourceDeps,
): () => Promise<AuthPolicy> {
  if (settings.parameters.size === 0) {
    const policy = Promise.resolve(parseAuthPolicy(env));
    void policy.then((p) => warnIfOpen(p, settings, deps.log));
    return () => policy;
  }
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  let current: { policy: AuthPolicy; expires: number } | undefined;
  let loading: Promise<AuthPolicy> | undefined;
  const load = (): Promise<AuthPolicy> => {
    loading ??= loadPolicy(env, settings.parameters, deps.readParameters)
      .then((policy) => {
        if (current === undefined) warnIfOpen(policy, settings, deps.log);
        current = { policy, expires: Date.now() + ttlMs };
        return policy;
      })
      .finally(() => (loading = undefined));
    return loading;
  };
  load().catch((error: unknown) => {
    if (error instanceof MisconfiguredError)
      deps.log.error('webhook verification misconfigured; answering 503 until fixed', { reason: error.message });
    else deps.log.warn('webhook secrets not loaded yet; will retry', { error, cause: causeMessage(error) });
  });
  return async () => {
    if (current !== undefined && current.expires > Date.now()) return current.policy;
    if (current === undefined) return load();
    const stale = current.policy;
    return load().catch((error: unknown) => {
      deps.log.warn('webhook secrets refresh failed; keeping the loaded ones', { error, cause: causeMessage(error) });
      return stale;
    });
  };
}

async function loadPolicy(
  env: Env,
  parameters: ReadonlyMap<string, string>,
  readParameters: ParametersReader | undefined,
): Promise<AuthPolicy> {
  if (readParameters === undefined)
    throw new DependencyError('webhook secrets are in SSM but no parameter reader is configured');
  let values: ReadonlyMap<string, string>;
  try {
    values = await readParameters([...new Set(parameters.values())]);
  } catch (cause) {
    throw secretsUnreadable([...new Set(parameters.values())], cause);
  }
  const resolved: Record<string, string | undefined> = { ...env };
  // A parameter that does not exist turns its check off: operators create only the ones they use.
  for (const [name, parameter] of parameters) resolved[name] = values.get(parameter) ?? '';
  try {
    return parseAuthPolicy(resolved);
  } catch (error) {
    // Never a weaker check: the deliveries wait (503, SignalWire retries) until the parameter is fixed.
    if (error instanceof ConfigError)
      throw new MisconfiguredError(`webhook secrets in SSM are invalid: ${error.message}`);
    throw error;
  }
}

/** The verification settings are invalid: every delivery is answered 503 (retried) until they are fixed. */
export class MisconfiguredError extends DependencyError {
  override readonly name: string = 'MisconfiguredError';
}

function warnIfOpen(policy: AuthPolicy, settings: WebhookAuthSettings, log: Logger): void {
  const checks =
    policy.signingKeys.length + policy.basicAuth.length + policy.querySecrets.length + policy.ipAllowlist.length;
  if (checks > 0) return;
  if (settings.local) log.info('no webhook verification configured: accepting every request (local stack)');
  else if (policy.allowUnauthenticated)
    log.warn('no webhook verification configured and unauthenticated access allowed');
  else log.error('no webhook verification configured: refusing every request (fail closed)');
}
