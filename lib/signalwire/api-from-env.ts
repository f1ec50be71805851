import { positiveIntEnv, requireEnv } from '../config/env';
import { readSecretSource, resolveSecret, type ParameterReader, type SecretSource } from '../config/secrets';
import { ConfigError } from '../errors';
import { createSignalWireRestClient, normalizeSpaceUrl, type SignalWireRestClient } from './rest-client';

type Env = Readonly<Record<string, string | undefined>>;

/** The SignalWire REST API settings; undefined when SIGNALWIRE_SPACE_URL is blank (no API: replies are skipped). */
export interface SignalWireApiSettings {
  spaceUrl: string;
  projectId: string;
  timeoutMs: number;
  apiToken: SecretSource;
}

/**
 * SIGNALWIRE_SPACE_URL, SIGNALWIRE_PROJECT_ID, the token from SIGNALWIRE_API_TOKEN (local) or the SSM parameter
 * named by SIGNALWIRE_API_TOKEN_PARAMETER (deployed), and SIGNALWIRE_TIMEOUT_MS, checked at cold start.
 */
export function readSignalWireApiSettings(env: Env): SignalWireApiSettings | undefined {
  const spaceUrl = env.SIGNALWIRE_SPACE_URL?.trim() ?? '';
  if (spaceUrl === '') return undefined;
  normalizeSpaceUrl(spaceUrl);
  return {
    spaceUrl,
    projectId: requireEnv(env, 'SIGNALWIRE_PROJECT_ID'),
    timeoutMs: positiveIntEnv(env, 'SIGNALWIRE_TIMEOUT_MS', 5_000),
    apiToken: readSecretSource(env, 'SIGNALWIRE_API_TOKEN'),
  };
}

/**
 * The API client, made on first use: the token is read then, once per container, so events that send nothing
 * never wait on SSM. A failed read is not cached: the next event tries again.
 */
export function signalWireApi(settings: SignalWireApiSettings | undefined, readParameter: ParameterReader): () => Promise<SignalWireRestClient | undefined> {
  if (settings === undefined) return async () => undefined;
  const { spaceUrl, projectId, timeoutMs } = settings;
  let client: Promise<SignalWireRestClient> | undefined;
  return () => {
    client ??= resolveSecret(settings.apiToken, readParameter).then((apiToken) => {
      if (apiToken === undefined) {
        throw new ConfigError('SIGNALWIRE_SPACE_URL is set but neither SIGNALWIRE_API_TOKEN nor SIGNALWIRE_API_TOKEN_PARAMETER is');
      }
      return createSignalWireRestClient({ spaceUrl, projectId, apiToken, timeoutMs });
    });
    client.catch(() => (client = undefined));
    return client;
  };
}
