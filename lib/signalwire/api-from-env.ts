import { positiveIntEnv, requireEnv } from '../config/env';
import { resolveSecret, type ParameterReader } from '../config/secrets';
import { ConfigError } from '../errors';
import { createSignalWireRestClient, normalizeSpaceUrl, type SignalWireRestClient } from './rest-client';

type Env = Record<string, string | undefined>;

/**
 * The SignalWire REST API as the worker configures it: SIGNALWIRE_SPACE_URL (blank: no API, replies are
 * skipped), SIGNALWIRE_PROJECT_ID, the token from SIGNALWIRE_API_TOKEN (local) or the SSM parameter named by
 * SIGNALWIRE_API_TOKEN_PARAMETER (deployed), and SIGNALWIRE_TIMEOUT_MS. The plain variables are checked now, at
 * cold start; the token is read on first use, once per container, so events that send nothing never wait on SSM.
 * A failed read is not cached: the next event tries again.
 */
export function signalWireApiFromEnv(env: Env, readParameter: ParameterReader): () => Promise<SignalWireRestClient | undefined> {
  const spaceUrl = env.SIGNALWIRE_SPACE_URL?.trim() ?? '';
  if (spaceUrl === '') return async () => undefined;
  normalizeSpaceUrl(spaceUrl);
  const projectId = requireEnv(env, 'SIGNALWIRE_PROJECT_ID');
  const timeoutMs = positiveIntEnv(env, 'SIGNALWIRE_TIMEOUT_MS', 5_000);
  let client: Promise<SignalWireRestClient> | undefined;
  return () => {
    client ??= resolveSecret(env, 'SIGNALWIRE_API_TOKEN', readParameter).then((apiToken) => {
      if (apiToken === undefined) {
        throw new ConfigError('SIGNALWIRE_SPACE_URL is set but neither SIGNALWIRE_API_TOKEN nor SIGNALWIRE_API_TOKEN_PARAMETER is');
      }
      return createSignalWireRestClient({ spaceUrl, projectId, apiToken, timeoutMs });
    });
    client.catch(() => (client = undefined));
    return client;
  };
}
