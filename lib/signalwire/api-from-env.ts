import { positiveIntEnv, requireEnv } from '../config/env';
import { resolveSecret, type ParameterReader } from '../config/secrets';
import { ConfigError } from '../errors';
import { createSignalWireRestClient, normalizeSpaceUrl, type SignalWireRestClient } from './rest-client';
import { CredentialsRefusedError } from './rest-responses';

type Env = Record<string, string | undefined>;

export interface ApiHooks {
  /** SignalWire refused our credentials (401/403): counted (metric SignalWireAuthRefused) and alarmed. */
  onCredentialsRefused?(error: CredentialsRefusedError): void;
}

/**
 * The SignalWire REST API as the worker configures it: SIGNALWIRE_SPACE_URL (blank: no API, replies are
 * skipped), SIGNALWIRE_PROJECT_ID, the token from SIGNALWIRE_API_TOKEN (local) or the SSM parameter named by
 * SIGNALWIRE_API_TOKEN_PARAMETER (deployed), and SIGNALWIRE_TIMEOUT_MS. The plain variables are checked now, at
 * cold start; the token is read on use through the parameter cache (5 minutes), so a rotated token is picked up
 * without a new container, and at once after SignalWire refused the old one (401/403).
 */
export function signalWireApiFromEnv(env: Env, readParameter: ParameterReader, hooks: ApiHooks = {}): () => Promise<SignalWireRestClient | undefined> {
  const spaceUrl = env.SIGNALWIRE_SPACE_URL?.trim() ?? '';
  if (spaceUrl === '') return async () => undefined;
  normalizeSpaceUrl(spaceUrl);
  const projectId = requireEnv(env, 'SIGNALWIRE_PROJECT_ID');
  const timeoutMs = positiveIntEnv(env, 'SIGNALWIRE_TIMEOUT_MS', 5_000);
  const parameter = env.SIGNALWIRE_API_TOKEN_PARAMETER?.trim() ?? '';
  let current: { apiToken: string; client: SignalWireRestClient } | undefined;

  const refused = <T>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      if (error instanceof CredentialsRefusedError) {
        if (parameter !== '') readParameter.forget?.(parameter);
        hooks.onCredentialsRefused?.(error);
      }
      throw error;
    });

  return async () => {
    const apiToken = await resolveSecret(env, 'SIGNALWIRE_API_TOKEN', readParameter);
    if (apiToken === undefined) {
      throw new ConfigError('SIGNALWIRE_SPACE_URL is set but neither SIGNALWIRE_API_TOKEN nor SIGNALWIRE_API_TOKEN_PARAMETER is');
    }
    if (current?.apiToken !== apiToken) {
      const client = createSignalWireRestClient({ spaceUrl, projectId, apiToken, timeoutMs });
      current = {
        apiToken,
        client: { sendMessage: (m) => refused(client.sendMessage(m)), listMessages: (f) => refused(client.listMessages(f)) },
      };
    }
    return current.client;
  };
}
