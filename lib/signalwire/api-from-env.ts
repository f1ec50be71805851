import { positiveIntEnv, requireEnv } from '../config/env';
import { readSecretSource, resolveSecret, type ParameterReader, type SecretSource } from '../config/secrets';
import { ConfigError } from '../errors';
import { normalizeSpaceUrl } from './account-api';
import { createSignalWireRestClient, type SignalWireRestClient } from './rest-client';
import { CredentialsRefusedError } from './rest-responses';

type Env = Readonly<Record<string, string | undefined>>;

/** The SignalWire REST API settings; undefined when SIGNALWIRE_SPACE_URL is blank (no API: replies are skipped). */
export interface SignalWireApiSettings {
  spaceUrl: string;
  projectId: string;
  timeoutMs: number;
  apiToken: SecretSource;
}

export interface ApiHooks {
  /** SignalWire refused our credentials (401/403): counted (metric SignalWireAuthRefused) and alarmed. */
  onCredentialsRefused?(error: CredentialsRefusedError): void;
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
 * The API client. The token is read on use (events that send nothing never wait on SSM) through the parameter
 * cache (5 minutes), so a rotated token is picked up without a new container, and at once after SignalWire refused
 * the old one (401/403). A failed read is not cached: the next event tries again.
 */
export function signalWireApi(
  settings: SignalWireApiSettings | undefined,
  readParameter: ParameterReader,
  hooks: ApiHooks = {},
): () => Promise<SignalWireRestClient | undefined> {
  if (settings === undefined) return async () => undefined;
  const { spaceUrl, projectId, timeoutMs } = settings;
  const parameter =
    settings.apiToken !== undefined && 'parameter' in settings.apiToken ? settings.apiToken.parameter : undefined;
  let current: { apiToken: string; client: SignalWireRestClient } | undefined;

  const refused = <T>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      if (error instanceof CredentialsRefusedError) {
        if (parameter !== undefined) readParameter.forget?.(parameter);
        hooks.onCredentialsRefused?.(error);
      }
      throw error;
    });

  return async () => {
    const apiToken = await requireApiToken(settings, readParameter);
    if (current?.apiToken !== apiToken) {
      const client = createSignalWireRestClient({ spaceUrl, projectId, apiToken, timeoutMs });
      current = {
        apiToken,
        client: {
          sendMessage: (m) => refused(client.sendMessage(m)),
          listMessages: (f) => refused(client.listMessages(f)),
        },
      };
    }
    return current.client;
  };
}

/** The API token now (through the parameter cache); a ConfigError when neither source of it is set. */
export async function requireApiToken(
  settings: SignalWireApiSettings,
  readParameter: ParameterReader,
): Promise<string> {
  const apiToken = await resolveSecret(settings.apiToken, readParameter);
  if (apiToken === undefined) {
    throw new ConfigError(
      'SIGNALWIRE_SPACE_URL is set but neither SIGNALWIRE_API_TOKEN nor SIGNALWIRE_API_TOKEN_PARAMETER is',
    );
  }
  return apiToken;
}
